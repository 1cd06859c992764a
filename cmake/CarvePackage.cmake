# SPDX-License-Identifier: BSD-3-Clause
# CarvePackage.cmake — installs carve's CMake package (find_package(carve) -> carve::carve_vol) and
# its pkg-config file (carve.pc).
include(CMakePackageConfigHelpers)

set(CARVE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/carve")
install(EXPORT carveTargets NAMESPACE carve:: DESTINATION "${CARVE_INSTALL_CMAKEDIR}")

# Consumers need HDF5 too: the package finds it where carve was built against it.
if(TARGET hdf5-shared)
  set(CARVE_PACKAGE_HDF5_DIR "${HDF5_DIR}")
else()
  set(CARVE_PACKAGE_HDF5_DIR "")
endif()
configure_package_config_file(cmake/carveConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/carveConfig.cmake"
  INSTALL_DESTINATION "${CARVE_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/carveConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/carveConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/carveConfigVersion.cmake"
  DESTINATION "${CARVE_INSTALL_CMAKEDIR}")

if(CARVE_HDF5_PREFIX)
  set(CARVE_PC_HDF5_CFLAGS "-I${CARVE_HDF5_PREFIX}/include")
  set(CARVE_PC_HDF5_LIBS "-L${CARVE_HDF5_PREFIX}/lib -Wl,-rpath,${CARVE_HDF5_PREFIX}/lib -lhdf5")
else()
  set(CARVE_PC_HDF5_CFLAGS "")
  set(CARVE_PC_HDF5_LIBS "-lhdf5")
endif()
file(RELATIVE_PATH CARVE_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/carve.pc.in "${CMAKE_CURRENT_BINARY_DIR}/carve.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/carve.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
