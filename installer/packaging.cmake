# Packaging: install rules of the non-program files and the CPack set-up that turns the
# `server` and `console` install components into two DEB packages (notifyd,
# notify-console) and a TGZ of each.
#
# Included from the top-level CMakeLists.txt after server/ and console/ so that the targets
# exist. The console is packaged only when its target does (NOTIFY_BUILD_CONSOLE=OFF, or a
# tree without console/, gives the server package alone).
#
#   cpack -G "DEB;TGZ" -B out/        (from the build directory, after building)
#
# Results: out/notifyd_<version>-1_<arch>.deb, out/notify-console_<version>-1_<arch>.deb,
# out/notifyd-<version>-linux-<arch>.tar.gz, out/notify-console-<version>-linux-<arch>.tar.gz.

set(NOTIFY_INSTALLER_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(NOTIFY_INSTALLER_BINARY_DIR ${CMAKE_BINARY_DIR}/installer)
file(MAKE_DIRECTORY ${NOTIFY_INSTALLER_BINARY_DIR})

# --- server: notifyd -----------------------------------------------------------------------

# Debian ships man pages gzipped, with no timestamp in the header (-n) so builds reproduce.
configure_file(${NOTIFY_INSTALLER_SOURCE_DIR}/notifyd.1 ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1
    @ONLY)
find_program(NOTIFY_GZIP gzip REQUIRED)
add_custom_command(
    OUTPUT ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1.gz
    COMMAND ${NOTIFY_GZIP} -9 -n -f -k ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1
    DEPENDS ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1
    COMMENT "Compressing the notifyd man page"
    VERBATIM)
add_custom_target(notifyd_manpage ALL DEPENDS ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1.gz)

# The binary itself is installed by server/CMakeLists.txt (bin, component server).
# /etc is absolute on purpose: the prefix is /usr and configuration does not live under it.
# CPACK_SET_DESTDIR below makes CPack stage absolute paths instead of writing to the host.
install(FILES ${NOTIFY_INSTALLER_SOURCE_DIR}/notifyd.conf
    DESTINATION /etc/notifyd
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
    COMPONENT server)
install(FILES ${NOTIFY_INSTALLER_SOURCE_DIR}/notifyd.service
    DESTINATION lib/systemd/system
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
    COMPONENT server)
install(FILES ${NOTIFY_INSTALLER_BINARY_DIR}/notifyd.1.gz
    DESTINATION share/man/man1
    COMPONENT server)
install(FILES
        ${PROJECT_SOURCE_DIR}/docs/operations.md
        ${PROJECT_SOURCE_DIR}/docs/configuration.md
        ${NOTIFY_INSTALLER_SOURCE_DIR}/notifyd.conf
    DESTINATION share/doc/notifyd
    COMPONENT server)
# The reference nginx configuration (docs/operations.md, "Cluster"), as an example only.
install(FILES ${NOTIFY_INSTALLER_SOURCE_DIR}/nginx/notifyd.conf
    DESTINATION share/doc/notifyd/examples/nginx
    COMPONENT server)

set(NOTIFY_PACKAGE_COMPONENTS server)

# --- console: notify-console ----------------------------------------------------------------

# Installs the console's files. console/CMakeLists.txt need not install anything itself;
# if it does, it must use COMPONENT console and these destinations.
function(notify_install_console)
    set(resources ${PROJECT_SOURCE_DIR}/resources)

    install(TARGETS notify-console RUNTIME DESTINATION bin COMPONENT console)

    # Desktop entry, and the icon it names, in the hicolor theme.
    file(GLOB desktop_files ${resources}/*.desktop ${resources}/*/*.desktop)
    if(NOT desktop_files)
        message(WARNING "packaging: no desktop entry (*.desktop) under resources/")
    endif()
    install(FILES ${desktop_files} DESTINATION share/applications COMPONENT console)

    set(icon_names)
    foreach(desktop IN LISTS desktop_files)
        file(STRINGS ${desktop} icon_lines REGEX "^Icon=")
        foreach(line IN LISTS icon_lines)
            string(REGEX REPLACE "^Icon=[ ]*" "" icon "${line}")
            list(APPEND icon_names ${icon})
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES icon_names)

    if(IS_DIRECTORY ${resources}/icons/hicolor)
        # A ready-made theme tree (hicolor/48x48/apps/x.png, hicolor/scalable/apps/x.svg).
        install(DIRECTORY ${resources}/icons/hicolor DESTINATION share/icons COMPONENT console)
    else()
        foreach(icon IN LISTS icon_names)
            file(GLOB_RECURSE svgs ${resources}/${icon}.svg)
            list(FILTER svgs EXCLUDE REGEX "/hicolor/")
            file(GLOB_RECURSE pngs ${resources}/${icon}.png)
            if(svgs)
                list(GET svgs 0 svg)
                install(FILES ${svg} DESTINATION share/icons/hicolor/scalable/apps
                    COMPONENT console)
            endif()
            # PNGs are recognised by a size directory: .../48x48/<icon>.png
            foreach(png IN LISTS pngs)
                get_filename_component(dir ${png} DIRECTORY)
                get_filename_component(size ${dir} NAME)
                if(size MATCHES "^[0-9]+x[0-9]+$")
                    install(FILES ${png} DESTINATION share/icons/hicolor/${size}/apps
                        COMPONENT console)
                endif()
            endforeach()
            if(NOT svgs AND NOT pngs)
                message(WARNING "packaging: no ${icon}.svg or .png under resources/ for Icon=${icon}")
            endif()
        endforeach()
    endif()

    # Translations. The console may embed its .qm files; the packaged copies in
    # /usr/share/notify-console/translations are built here from the same .ts files so
    # that packaging does not depend on how the console's CMakeLists builds them.
    file(GLOB ts_files ${PROJECT_SOURCE_DIR}/translations/*.ts)
    if(ts_files AND TARGET Qt6::lrelease)
        set(qm_files)
        foreach(ts IN LISTS ts_files)
            get_filename_component(base ${ts} NAME_WE)
            set(qm ${NOTIFY_INSTALLER_BINARY_DIR}/translations/${base}.qm)
            add_custom_command(
                OUTPUT ${qm}
                COMMAND Qt6::lrelease -silent ${ts} -qm ${qm}
                DEPENDS ${ts}
                COMMENT "Compiling ${base}.ts for the console package"
                VERBATIM)
            list(APPEND qm_files ${qm})
        endforeach()
        add_custom_target(notify_console_package_qm ALL DEPENDS ${qm_files})
        install(FILES ${qm_files} DESTINATION share/notify-console/translations
            COMPONENT console)
    elseif(ts_files)
        message(WARNING "packaging: translations/*.ts found but no Qt6::lrelease")
    endif()
endfunction()

if(TARGET notify-console)
    notify_install_console()
    list(APPEND NOTIFY_PACKAGE_COMPONENTS console)
endif()

# --- CPack ---------------------------------------------------------------------------------

set(CPACK_PACKAGE_NAME notifyd)
set(CPACK_PACKAGE_VENDOR "notifyd")
set(CPACK_PACKAGE_CONTACT "notifyd maintainers <maintainers@notifyd.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_COMPONENTS_ALL ${NOTIFY_PACKAGE_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
# Stage into DESTDIR with prefix /usr: the only way absolute destinations (/etc/notifyd)
# land inside the package, and never on the building host.
# With DESTDIR staging, the prefix the install runs with is CPACK_INSTALL_PREFIX (by default
# CMAKE_INSTALL_PREFIX, /usr/local): both are set to /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Debian strips binaries in packages; it also keeps the .deb small and cpack quick.
set(CPACK_STRIP_FILES ON)
# Per-generator settings (the TGZ's prefix).
set(CPACK_PROJECT_CONFIG_FILE ${NOTIFY_INSTALLER_SOURCE_DIR}/cpack-project.cmake)

string(TOLOWER "${CMAKE_SYSTEM_NAME}" notify_system)
set(CPACK_ARCHIVE_SERVER_FILE_NAME
    "notifyd-${PROJECT_VERSION}-${notify_system}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_ARCHIVE_CONSOLE_FILE_NAME
    "notify-console-${PROJECT_VERSION}-${notify_system}-${CMAKE_SYSTEM_PROCESSOR}")
# The archives hold usr/… and etc/… at their top, to be unpacked into / or a staging root.
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps computes the Qt 6 runtime packages from the binaries' NEEDED entries;
# what they load at run time as plugins is listed by hand below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME notifyd)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, libqt6sql6-sqlite")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "libqt6sql6-psql")
# First line: the summary; the formatter indents the rest and turns empty lines into " .".
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "Real-time in-app notification server
notifyd stores per-user in-app notifications in SQLite or PostgreSQL and pushes
them over WebSocket (plain JSON or Socket.IO) to every tab and device of the
recipient, with unread counts, read sync and recovery of missed notifications.

This package contains the headless server, its systemd unit and configuration.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${NOTIFY_INSTALLER_SOURCE_DIR}/debian/notifyd/conffiles
    ${NOTIFY_INSTALLER_SOURCE_DIR}/debian/notifyd/postinst
    ${NOTIFY_INSTALLER_SOURCE_DIR}/debian/notifyd/prerm
    ${NOTIFY_INSTALLER_SOURCE_DIR}/debian/notifyd/postrm)
# Maintainer scripts 0755 and conffiles 0644 in the control archive, whatever the checkout's
# modes are.
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME notify-console)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SECTION net)
# The platform plugins (xcb, wayland) and the SQLite driver of its local store are plugins,
# invisible to dpkg-shlibdeps.
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6sql6-sqlite, libqt6svg6")
set(CPACK_DEBIAN_CONSOLE_DESCRIPTION
    "Operator console for the notifyd notification server
notify-console is a desktop program with which operators watch a live notifyd
node (connections, rooms, delivery counts) and support staff send test
notifications.")

set(CPACK_COMPONENT_SERVER_DISPLAY_NAME "notifyd server")
set(CPACK_COMPONENT_CONSOLE_DISPLAY_NAME "notify-console operator console")

include(CPack)
