/* The kernel's floor for one delivery: CPU of one send() of a given size to a loopback TCP
 * socket, with a second thread reading the other end (as a client would). On loopback the
 * receiver's TCP work runs in the sender's system call, so the sender thread's CPU is what a
 * server pays per frame written. docs/benchmarks.md compares notifyd's cost per delivery
 * with it.
 *
 *   cc -O2 -pthread -o sendfloor bench/floor/sendfloor.c
 *   ./sendfloor [bytes per send] [sends]        (defaults: 420 bytes, 1,000,000 sends)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int reader_fd;

static void *drain(void *arg)
{
    (void)arg;
    char buf[65536];
    while (read(reader_fd, buf, sizeof buf) > 0) {
    }
    return NULL;
}

static double cpu_seconds(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
        + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
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
