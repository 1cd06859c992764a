# SPDX-License-Identifier: BSD-3-Clause
# FindSZIP.cmake — used only by bootstrap-hdf5.sh when building HDF5 1.14.5 against Debian's libaec.
#
# HDF5 1.14.5 has no FindSZIP of its own and libaec-dev ships no CMake package. HDF5's build
# links SZIP_LIBRARIES and reads each entry's OUTPUT_NAME for hdf5.pc, so this module provides
# imported *targets* (not plain paths) for libsz and libaec.
find_path(SZIP_INCLUDE_DIR szlib.h)
find_library(SZIP_SZ_LIBRARY NAMES sz)
find_library(SZIP_AEC_LIBRARY NAMES aec)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SZIP REQUIRED_VARS SZIP_SZ_LIBRARY SZIP_AEC_LIBRARY SZIP_INCLUDE_DIR)

if(SZIP_FOUND)
  foreach(part sz aec)
    string(TOUPPER ${part} upper)
    if(NOT TARGET carve_bootstrap_${part})
      add_library(carve_bootstrap_${part} SHARED IMPORTED GLOBAL)
      set_target_properties(carve_bootstrap_${part} PROPERTIES
        IMPORTED_LOCATION "${SZIP_${upper}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${SZIP_INCLUDE_DIR}"
        OUTPUT_NAME ${part})
    endif()
  endforeach()
  set(SZIP_LIBRARIES carve_bootstrap_sz carve_bootstrap_aec)
  set(SZIP_INCLUDE_DIRS "${SZIP_INCLUDE_DIR}")
endif()
