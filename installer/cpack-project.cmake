# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE), with CPACK_GENERATOR set to
# the one running.
if(CPACK_GENERATOR STREQUAL "TGZ")
    # The archive generator cannot place an absolute destination such as /etc/notifyd
    # when the packaging prefix is not "/" ("Can't lstat usr/etc"). Installing with prefix
    # /usr (CPACK_INSTALL_PREFIX) and packaging from / gives the same tree as the .deb:
    # usr/bin/notifyd, etc/notifyd/notifyd.conf, …
    set(CPACK_PACKAGING_INSTALL_PREFIX "/")
endif()
if(CPACK_GENERATOR STREQUAL "DEB")
    # CPackDeb prepends the project-wide summary to each component's description unless the
    # summary is CPack's default; the component descriptions carry their own first line.
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
