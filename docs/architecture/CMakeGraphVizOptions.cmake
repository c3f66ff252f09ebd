# Options of `cmake --graphviz` for docs/architecture/layers.svg (see layers.sh): the
# project's own libraries and programs, without Qt, system libraries and tests.
set(GRAPHVIZ_GRAPH_NAME "notifyd layers")
set(GRAPHVIZ_EXTERNAL_LIBS FALSE)
set(GRAPHVIZ_INTERFACE_LIBS TRUE)
set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)
set(GRAPHVIZ_GENERATE_DEPENDERS FALSE)
set(GRAPHVIZ_IGNORE_TARGETS "notify_warnings;notify-console-demo-clients;notify-bench;.*_autogen.*;.*_lupdate.*;.*_lrelease.*;.*_other_files;.*_resources_.*")
