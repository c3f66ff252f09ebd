#pragma once

// The console's rooms tree as the live tests search it (through the view's proxy).

#include "console/app/mainwindow.h"
#include "console/models/roomsmodel.h"
#include "console/views/roomsview.h"

#include <QAbstractItemModel>
#include <QTreeView>

#include <functional>

// The first member row (column 0) under `room` for which `matches` is true; invalid if none.
inline QModelIndex findRoomMember(notify::console::MainWindow &w, const QString &room,
                                  const std::function<bool(const QModelIndex &)> &matches)
{
    QAbstractItemModel *m = w.roomsView()->tree()->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex roomIdx = m->index(r, 0);
        if (roomIdx.data(notify::console::RoomsModel::RoomNameRole).toString() != room)
            continue;
        for (int c = 0; c < m->rowCount(roomIdx); ++c) {
            const QModelIndex member = m->index(c, 0, roomIdx);
            if (matches(member))
                return member;
        }
    }
    return {};
}
