# Installs the configuration files (CONFDIR, from the files in DIST_FILES,
# a list of paths) unless they are there already: an upgrade keeps the
# administrator's configuration.
foreach(src ${DIST_FILES})
  get_filename_component(name "${src}" NAME)
  set(dst "$ENV{DESTDIR}${CONFDIR}/${name}")
  if(EXISTS "${dst}")
    message(STATUS "Keeping: ${dst}")
  else()
    file(INSTALL "${src}" DESTINATION "${CONFDIR}")
  endif()
endforeach()
