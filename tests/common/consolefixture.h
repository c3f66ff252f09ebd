#pragma once

// The console against a real in-process notifyd (testserver.h): the admin URL of the test
// server and a MainWindow connected to it, shared by the GUI tests that drive the whole
// console (tests/gui/test_console_*.cpp).

#include "testserver.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"

#include <QTest>
#include <QUrl>

namespace notify::test {

inline QUrl adminUrl(const TestServer &server)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin").arg(server.server->apiPort()));
}

// True once the window's client is connected (the server said hello), within 5 s.
[[nodiscard]] inline bool waitConnected(console::MainWindow &window)
{
    return QTest::qWaitFor(
        [&] { return window.client()->state() == console::AdminClient::State::Connected; }, 5000);
}

// Connects the window to the server's admin channel with the server's admin key (or the
// given one) and waits until it is connected.
[[nodiscard]] inline bool connectConsole(console::MainWindow &window, const TestServer &server,
                                         const QString &adminKey = {})
{
    window.connectTo(adminUrl(server), adminKey.isEmpty() ? server.config.adminKey : adminKey);
    return waitConnected(window);
}

// The same with the window shown first, for the tests that click and look at its widgets.
[[nodiscard]] inline bool showConnected(console::MainWindow &window, const TestServer &server)
{
    window.show();
    return QTest::qWaitForWindowExposed(&window) && connectConsole(window, server);
}

} // namespace notify::test
