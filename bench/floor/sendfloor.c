/* The kernel's floor for one delivery: the CPU a server thread spends in one send() of a
 * delivery's size to a loopback TCP socket. On loopback the receiver's TCP work (and the
 * wake-up of the reading thread) runs in the sender's system call, so the sender thread's
 * CPU is what a server pays per frame written. bench/notes.md ("Issue 14: cost per delivery
 * by thread, against the floor") compares notifyd's cost per delivery with it.
 *
 *   cc -O2 -pthread -o /tmp/sendfloor bench/floor/sendfloor.c
 *
 * Two modes:
 *
 *   sendfloor [bytes per send] [sends]          (defaults: 420 bytes, 1,000,000 sends)
 *       One socket, one thread reading the other end. A best case: the socket stays hot in
 *       cache and the reader is mostly awake, so few sends pay for a wake-up.
 *
 *   sendfloor fanout [-n connections] [-b bytes] [-r rounds] [-s senders] [-t readers]
 *                    [-g gap µs] [-B burst] [-N]
 *       What a fan-out meets: n connected loopback TCP pairs (default 2,000; up to 19,000
 *       fits the 20,000 open files per process, as the client ends live in a second
 *       process, like notify-bench's), one message of `bytes` (default 420: one delivery's
 *       two frames) to each connection in turn, round-robin, `rounds` times (default 50).
 *       The server ends mirror notifyd's WebSocket (server/websocket/websocket.cpp):
 *       non-blocking, TCP_NODELAY, no SO_SNDBUF/SO_RCVBUF, one sendmsg(MSG_NOSIGNAL |
 *       MSG_DONTWAIT) of two iovecs (the notification frame and the unread-count frame). The
 *       client ends mirror notify-bench's (bench/notify-bench/wsworker.cpp): `readers`
 *       threads (default 2) each in epoll_wait (level-triggered) on its share of the
 *       connections, one recv() into a 256 KiB buffer per ready socket.
 *       -s  sender threads (default 1), each owning every s-th connection (notifyd's shards).
 *       -g  pace: after each burst of -B sends (default 1) the sender sleeps `gap` µs, so
 *           that readers are back asleep in epoll_wait when the next send arrives (the
 *           fan-out's real pattern: every delivery wakes a sleeping client thread). 0 (the
 *           default) sends back to back: readers stay busy and are seldom woken.
 *       -N  leave Nagle on (no TCP_NODELAY on the server end), to see what the option costs.
 *     Reported: the sender threads' CPU (user+sys, getrusage RUSAGE_THREAD) per send and
 *     sends per sender CPU-second; when paced, also the CPU of the send calls alone
 *     (CLOCK_THREAD_CPUTIME_ID around each burst, its own cost subtracted), since the
 *     pacing sleep is not part of a send; the readers' CPU per message; voluntary context
 *     switches per message (how often a thread went to sleep). A warm-up round (one message
 *     per connection) is not counted.
 *
 * Examples (bench/notes.md has the figures):
 *   sendfloor fanout -n 2000 -b 420 -r 50             busy readers
 *   sendfloor fanout -n 2000 -b 420 -r 10 -g 100      every send wakes a sleeping reader
 *   sendfloor fanout -n 19000 -b 420 -r 2 -g 100
 *   sendfloor fanout -n 2000 -b 420 -r 20 -g 3000 -B 50 -s 2   bursts like a POST of 100
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int reader_fd;

static void *drain(void *arg)
{
    (void)arg;
    char buf[65536];
    while (read(reader_fd, buf, sizeof buf) > 0) { }
    return NULL;
}

static double cpu_seconds(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
        + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int one_socket(int argc, char **argv)
{
    const size_t size = argc > 1 ? (size_t)atol(argv[1]) : 420;
    const long sends = argc > 2 ? atol(argv[2]) : 1000000;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 1)
        || getsockname(listener, (struct sockaddr *)&addr, &len)) {
        perror("listen");
        return 1;
    }
    int sender = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(sender, (struct sockaddr *)&addr, sizeof addr)) {
        perror("connect");
        return 1;
    }
    reader_fd = accept(listener, NULL, NULL);
    const int one = 1;
    setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as notifyd does */
    pthread_t thread;
    pthread_create(&thread, NULL, drain, NULL);
    char *buf = calloc(1, size);
    const double thread0 = cpu_seconds(RUSAGE_THREAD), process0 = cpu_seconds(RUSAGE_SELF);
    for (long i = 0; i < sends; ++i) {
        if (send(sender, buf, size, 0) != (ssize_t)size) {
            perror("send");
            return 1;
        }
    }
    const double thread1 = cpu_seconds(RUSAGE_THREAD), process1 = cpu_seconds(RUSAGE_SELF);
    shutdown(sender, SHUT_WR);
    pthread_join(thread, NULL);
    const double process2 = cpu_seconds(RUSAGE_SELF);
    printf("%zu bytes x %ld sends: sender %.2f us/send (%.0f sends per CPU-second),"
           " sender+reader %.2f us/send\n",
           size, sends, (thread1 - thread0) * 1e6 / (double)sends,
           (double)sends / (thread1 - thread0), (process2 - process0) * 1e6 / (double)sends);
    (void)process1;
    return 0;
}

/* ---- fan-out mode ---------------------------------------------------------------------- */

enum { max_threads = 16, unread_frame_bytes = 32 };

struct usage
{
    double user, sys; /* seconds */
    long nvcsw, nivcsw;
};

static struct usage thread_usage(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    struct usage u = {(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
                      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_nvcsw,
                      ru.ru_nivcsw};
    return u;
}

static struct usage usage_since(struct usage from)
{
    struct usage now = thread_usage();
    struct usage d = {now.user - from.user, now.sys - from.sys, now.nvcsw - from.nvcsw,
                      now.nivcsw - from.nivcsw};
    return d;
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Shared between the server process and the clients' process (MAP_SHARED before fork); one
 * cache line per reader, so that the readers' counters do not bounce a line between them. */
struct reader_result
{
    _Alignas(64) _Atomic long bytes; /* read so far, warm-up included */
    struct usage used; /* after the warm-up */
    long messages, wakeups, events;
    int failed;
};

struct shared
{
    _Atomic int connected;
    struct reader_result reader[max_threads];
};

struct config
{
    int connections, rounds, senders, readers, gap_us, burst, nagle;
    size_t bytes;
};

static struct config cfg = {2000, 50, 1, 2, 0, 1, 0, 420};
static struct shared *shared;
static int *server_fds; /* the accepted ends, as notifyd's shards hold them */
static char *payload;

/* ---- the clients' process ---- */

struct reader_arg
{
    int index, epoll, count;
};

static void *read_loop(void *p)
{
    const struct reader_arg *arg = p;
    struct reader_result *r = &shared->reader[arg->index];
    const long warmup = (long)cfg.bytes * arg->count;
    const long total = warmup * (1 + cfg.rounds);
    const size_t chunk = 256 * 1024; /* notify-bench's read size */
    char *buf = malloc(chunk);
    struct epoll_event events[512];
    struct usage start = {0};
    long bytes = 0, wakeups = 0, nevents = 0;
    int measuring = 0;
    while (bytes < total) {
        const int n = epoll_wait(arg->epoll, events, 512, 5000);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            fprintf(stderr, "reader %d: %s after %ld of %ld bytes\n", arg->index,
                    n < 0 ? strerror(errno) : "nothing for 5 s", bytes, total);
            r->failed = 1;
            break;
        }
        ++wakeups;
        nevents += n;
        for (int i = 0; i < n; ++i) {
            const ssize_t got = recv(events[i].data.fd, buf, chunk, 0);
            if (got > 0)
                bytes += got;
            else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                fprintf(stderr, "reader %d: recv: %s\n", arg->index,
                        got == 0 ? "closed" : strerror(errno));
                r->failed = 1;
                bytes = total;
            }
        }
        atomic_store_explicit(&r->bytes, bytes, memory_order_release);
        /* The server sends nothing measured before every reader has its warm-up bytes. */
        if (!measuring && bytes >= warmup) {
            measuring = 1;
            start = thread_usage();
            wakeups = nevents = 0;
        }
    }
    r->used = usage_since(start);
    r->messages = (long)cfg.rounds * arg->count;
    r->wakeups = wakeups;
    r->events = nevents;
    free(buf);
    return NULL;
}

static int run_clients(const struct sockaddr_in *server)
{
    int *fds = calloc((size_t)cfg.connections, sizeof *fds);
    int epolls[max_threads];
    for (int t = 0; t < cfg.readers; ++t)
        epolls[t] = epoll_create1(EPOLL_CLOEXEC);
    const int one = 1;
    for (int i = 0; i < cfg.connections; ++i) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0) {
            perror("socket");
            return 1;
        }
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        /* Three source addresses, as bench/run uses above 15,000 connections: ~28k
         * ephemeral ports per source address, and other benchmarks may hold some. */
        setsockopt(fds[i], IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in local = {.sin_family = AF_INET,
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(i % 3))};
        if (bind(fds[i], (struct sockaddr *)&local, sizeof local)
            || connect(fds[i], (const struct sockaddr *)server, sizeof *server)) {
            perror("connect");
            return 1;
        }
        /* Non-blocking, level-triggered, like notify-bench's connections. */
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};
        /* Connection i goes to reader i % readers: consecutive sends alternate readers. */
        epoll_ctl(epolls[i % cfg.readers], EPOLL_CTL_ADD, fds[i], &ev);
    }
    atomic_store(&shared->connected, 1);
    pthread_t threads[max_threads];
    struct reader_arg args[max_threads];
    for (int t = 0; t < cfg.readers; ++t) {
        args[t] = (struct reader_arg) {
            t, epolls[t], cfg.connections / cfg.readers + (t < cfg.connections % cfg.readers)};
        pthread_create(&threads[t], NULL, read_loop, &args[t]);
    }
    for (int t = 0; t < cfg.readers; ++t)
        pthread_join(threads[t], NULL);
    return 0;
}

/* ---- the server process ---- */

static int send_one(int fd, long *blocked)
{
    /* Two frames in one sendmsg(), as notifyd's WebSocket::flush() writes a delivery. */
    const size_t small = cfg.bytes > unread_frame_bytes ? unread_frame_bytes : 0;
    struct iovec iov[2] = {{payload, cfg.bytes - small}, {payload, small}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = small ? 2 : 1};
    size_t left = cfg.bytes;
    while (left > 0) {
        const ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN) {
                perror("sendmsg");
                return -1;
            }
            /* A full socket buffer: the reader fell behind. Counted; should stay 0. */
            ++*blocked;
            struct pollfd p = {fd, POLLOUT, 0};
            poll(&p, 1, 1000);
            continue;
        }
        left -= (size_t)sent;
        for (size_t skip = (size_t)sent; skip > 0;) { /* partial write: drop what went */
            const size_t take = skip < msg.msg_iov->iov_len ? skip : msg.msg_iov->iov_len;
            msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + take;
            msg.msg_iov->iov_len -= take;
            skip -= take;
            if (msg.msg_iov->iov_len == 0) {
                ++msg.msg_iov;
                --msg.msg_iovlen;
            }
        }
    }
    return 0;
}

struct sender_result
{
    int index;
    long sends, blocked;
    struct usage used;
    double send_ns; /* paced: CPU inside the send calls only */
};

static double clock_overhead_ns;

static void *send_loop(void *p)
{
    struct sender_result *r = p;
    const struct timespec gap = {cfg.gap_us / 1000000, (long)(cfg.gap_us % 1000000) * 1000};
    if (cfg.gap_us > 0)
        prctl(PR_SET_TIMERSLACK, 1UL); /* sleep the gap asked, not gap + 50 µs */
    const struct usage start = thread_usage();
    long in_burst = 0;
    double burst_start = cfg.gap_us > 0 ? thread_cpu_ns() : 0;
    for (int round = 0; round < cfg.rounds; ++round) {
        for (int i = r->index; i < cfg.connections; i += cfg.senders) {
            if (send_one(server_fds[i], &r->blocked))
                exit(1);
            ++r->sends;
            if (cfg.gap_us > 0 && ++in_burst == cfg.burst) {
                r->send_ns += thread_cpu_ns() - burst_start - clock_overhead_ns;
                in_burst = 0;
                nanosleep(&gap, NULL);
                burst_start = thread_cpu_ns();
            }
        }
    }
    if (cfg.gap_us > 0 && in_burst > 0)
        r->send_ns += thread_cpu_ns() - burst_start - clock_overhead_ns;
    r->used = usage_since(start);
    return NULL;
}

static int print_usage(const char *self)
{
    fprintf(stderr,
            "usage: %s [bytes] [sends]\n"
            "       %s fanout [-n connections] [-b bytes] [-r rounds] [-s senders]"
            " [-t readers] [-g gap-us] [-B burst] [-N]\n",
            self, self);
    return 2;
}

static int fanout(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "n:b:r:s:t:g:B:N")) != -1) {
        switch (opt) {
        case 'n':
            cfg.connections = atoi(optarg);
            break;
        case 'b':
            cfg.bytes = (size_t)atol(optarg);
            break;
        case 'r':
            cfg.rounds = atoi(optarg);
            break;
        case 's':
            cfg.senders = atoi(optarg);
            break;
        case 't':
            cfg.readers = atoi(optarg);
            break;
        case 'g':
            cfg.gap_us = atoi(optarg);
            break;
        case 'B':
            cfg.burst = atoi(optarg);
            break;
        case 'N':
            cfg.nagle = 1;
            break;
        default:
            return print_usage(argv[0]);
        }
    }
    if (cfg.connections < 1 || cfg.bytes < 1 || cfg.rounds < 1 || cfg.senders < 1
        || cfg.senders > max_threads || cfg.readers < 1 || cfg.readers > max_threads
        || cfg.burst < 1 || cfg.gap_us < 0)
        return print_usage(argv[0]);

    /* The server process holds the accepted ends plus a few; raise the soft limit. */
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    if ((rlim_t)cfg.connections + 16 > lim.rlim_cur) {
        fprintf(stderr, "%d connections need %d open files; the limit is %ld\n", cfg.connections,
                cfg.connections + 16, (long)lim.rlim_cur);
        return 1;
    }

    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    payload = malloc(cfg.bytes);
    memset(payload, 'x', cfg.bytes);
    server_fds = calloc((size_t)cfg.connections, sizeof *server_fds);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 4096)
        || getsockname(listener, (struct sockaddr *)&addr, &len)) {
        perror("listen");
        return 1;
    }
    fflush(stdout);
    const pid_t clients = fork();
    if (clients == 0) {
        close(listener);
        _exit(run_clients(&addr));
    }
    const int one = 1;
    for (int i = 0; i < cfg.connections; ++i) {
        server_fds[i] = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (server_fds[i] < 0) {
            perror("accept");
            return 1;
        }
        if (!cfg.nagle)
            setsockopt(server_fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    /* accept() order is connect() order (one connecting thread), so server_fds[i] is the
     * client's connection i and consecutive sends alternate readers. */
    while (!atomic_load(&shared->connected))
        usleep(1000);

    /* Warm-up: one message per connection, not counted, until every reader has it. */
    long blocked = 0;
    for (int i = 0; i < cfg.connections; ++i)
        if (send_one(server_fds[i], &blocked))
            return 1;
    for (;;) {
        long have = 0;
        for (int t = 0; t < cfg.readers; ++t)
            have += atomic_load(&shared->reader[t].bytes);
        if (have >= (long)cfg.bytes * cfg.connections)
            break;
        usleep(1000);
    }
    usleep(20000); /* let the readers fall asleep */

    /* The cost of reading CLOCK_THREAD_CPUTIME_ID, subtracted from each bracketed burst. */
    double before = thread_cpu_ns();
    for (int i = 0; i < 10000; ++i)
        thread_cpu_ns();
    clock_overhead_ns = (thread_cpu_ns() - before) / 10001;

    struct sender_result results[max_threads];
    pthread_t threads[max_threads];
    const double wall0 = mono_seconds();
    for (int s = 0; s < cfg.senders; ++s) {
        results[s] = (struct sender_result) {.index = s};
        pthread_create(&threads[s], NULL, send_loop, &results[s]);
    }
    for (int s = 0; s < cfg.senders; ++s)
        pthread_join(threads[s], NULL);
    const double sender_wall = mono_seconds() - wall0;
    int status = 0;
    waitpid(clients, &status, 0);
    for (int t = 0; t < cfg.readers; ++t)
        if (shared->reader[t].failed)
            status = 1;
    if (status) {
        fprintf(stderr, "the clients' process failed\n");
        return 1;
    }

    long sends = 0;
    double sender_cpu = 0, sender_sys = 0, send_ns = 0;
    long sender_vcsw = 0, sender_ivcsw = 0;
    for (int s = 0; s < cfg.senders; ++s) {
        sends += results[s].sends;
        blocked += results[s].blocked;
        sender_cpu += results[s].used.user + results[s].used.sys;
        sender_sys += results[s].used.sys;
        sender_vcsw += results[s].used.nvcsw;
        sender_ivcsw += results[s].used.nivcsw;
        send_ns += results[s].send_ns;
    }
    long messages = 0, wakeups = 0, events = 0, reader_vcsw = 0;
    double reader_cpu = 0, reader_sys = 0;
    for (int t = 0; t < cfg.readers; ++t) {
        const struct reader_result *r = &shared->reader[t];
        messages += r->messages;
        wakeups += r->wakeups;
        events += r->events;
        reader_vcsw += r->used.nvcsw;
        reader_cpu += r->used.user + r->used.sys;
        reader_sys += r->used.sys;
    }
    printf("fanout n=%d bytes=%zu sends=%ld senders=%d readers=%d %s %s", cfg.connections,
           cfg.bytes, sends, cfg.senders, cfg.readers, cfg.nagle ? "nagle" : "nodelay",
           cfg.gap_us ? "paced" : "busy");
    if (cfg.gap_us)
        printf(" (burst %d, gap %d us)", cfg.burst, cfg.gap_us);
    printf("\n  sender: %.2f us/send (%.0f sends per CPU-second), %.0f%% sys,"
           " %.2f sleeps + %.2f preemptions per send",
           sender_cpu * 1e6 / (double)sends, (double)sends / sender_cpu,
           100 * sender_sys / sender_cpu, (double)sender_vcsw / (double)sends,
           (double)sender_ivcsw / (double)sends);
    if (cfg.gap_us)
        printf("; in the send calls alone %.2f us/send (%.0f per CPU-second; %.2f us per clock"
               " read subtracted per burst)",
               send_ns / 1e3 / (double)sends, (double)sends * 1e9 / send_ns,
               clock_overhead_ns / 1e3);
    printf("\n  readers: %.2f us/message, %.0f%% sys, %.2f sleeps and %.2f epoll returns"
           " per message, %.2f ready sockets per return\n",
           reader_cpu * 1e6 / (double)messages, 100 * reader_sys / reader_cpu,
           (double)reader_vcsw / (double)messages, (double)wakeups / (double)messages,
           (double)events / (double)wakeups);
    printf("  sender+readers %.2f us/send; %.0f sends/s wall; %ld sends found a full buffer\n",
           (sender_cpu + reader_cpu) * 1e6 / (double)sends, (double)sends / sender_wall, blocked);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fanout") == 0)
        return fanout(argc - 1, argv + 1);
    if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9'))
        return print_usage(argv[0]);
    return one_socket(argc, argv);
}
