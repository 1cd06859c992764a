# SPDX-License-Identifier: BSD-3-Clause
# CarveHDF5.cmake — finds HDF5 >= 1.14 for carve, bootstrapping it when the system has none.
#
# Result: imported target carve_hdf5 (the HDF5 C library), plus
#   CARVE_HDF5_VERSION, CARVE_HDF5_PREFIX (may be empty for a system HDF5),
#   CARVE_H5DUMP / CARVE_H5LS / CARVE_H5DIFF (tools, may be NOTFOUND),
#   CARVE_H5_API_TEST (HDF5's API conformance test binary, may be NOTFOUND),
#   CARVE_HDF5_BOOTSTRAPPED (TRUE when HDF5 came from cmake/bootstrap-hdf5.sh),
#   CARVE_HDF5_PARALLEL (TRUE when the HDF5 found is parallel: carve is then built with MPI, CARVE_HAVE_MPI).
# Options: CARVE_BOOTSTRAP_HDF5=AUTO|ON|OFF, CARVE_CACHE_DIR (bootstrap cache, default ~/.cache/carve),
#   CARVE_MPI (a parallel HDF5 wanted: a serial one found is passed over, and the bootstrap builds a parallel
#   one into its own cache directory).
set(CARVE_BOOTSTRAP_HDF5 AUTO CACHE STRING "Build HDF5 1.14.5 into the cache when no HDF5 >= 1.14 is found (AUTO, ON, OFF)")
set_property(CACHE CARVE_BOOTSTRAP_HDF5 PROPERTY STRINGS AUTO ON OFF)
set(CARVE_MIN_HDF5 1.14.0)

set(_carve_hdf5_found FALSE)
set(CARVE_HDF5_BOOTSTRAPPED FALSE)
if(NOT CARVE_BOOTSTRAP_HDF5 STREQUAL "ON")
  # A config package first (HDF5's own CMake install: conda, Homebrew, source builds) ...
  find_package(HDF5 ${CARVE_MIN_HDF5} CONFIG QUIET NAMES hdf5)
  if(HDF5_FOUND AND CARVE_MPI AND NOT HDF5_ENABLE_PARALLEL AND NOT HDF5_PROVIDES_PARALLEL)
    message(STATUS "carve: HDF5 ${HDF5_VERSION} in ${HDF5_DIR} is serial; CARVE_MPI wants a parallel one")
  elseif(HDF5_FOUND AND TARGET hdf5-shared)
    add_library(carve_hdf5 INTERFACE IMPORTED)
    target_link_libraries(carve_hdf5 INTERFACE hdf5-shared)
    set(CARVE_HDF5_VERSION "${HDF5_VERSION}")
    get_filename_component(CARVE_HDF5_PREFIX "${HDF5_DIR}/.." ABSOLUTE)
    set(_carve_hdf5_found TRUE)
  else()
    # ... then CMake's FindHDF5 (distribution packages: Debian 13, Fedora).
    unset(HDF5_FOUND)
    find_package(HDF5 ${CARVE_MIN_HDF5} MODULE QUIET COMPONENTS C)
    if(HDF5_FOUND AND CARVE_MPI AND NOT HDF5_IS_PARALLEL)
      message(STATUS "carve: system HDF5 ${HDF5_VERSION} is serial; CARVE_MPI wants a parallel one")
    elseif(HDF5_FOUND AND HDF5_VERSION VERSION_GREATER_EQUAL CARVE_MIN_HDF5)
      add_library(carve_hdf5 INTERFACE IMPORTED)
      target_include_directories(carve_hdf5 INTERFACE ${HDF5_C_INCLUDE_DIRS})
      target_link_libraries(carve_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
      target_compile_definitions(carve_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
      set(CARVE_HDF5_VERSION "${HDF5_VERSION}")
      set(CARVE_HDF5_PREFIX "")
      set(_carve_hdf5_found TRUE)
    elseif(HDF5_VERSION)
      message(STATUS "carve: system HDF5 ${HDF5_VERSION} is older than ${CARVE_MIN_HDF5}")
    endif()
  endif()
endif()

if(NOT _carve_hdf5_found)
  if(CARVE_BOOTSTRAP_HDF5 STREQUAL "OFF")
    message(FATAL_ERROR "carve needs HDF5 >= ${CARVE_MIN_HDF5}: pass -DHDF5_DIR=<prefix>/cmake or -DHDF5_ROOT=<prefix>, "
                        "or -DCARVE_BOOTSTRAP_HDF5=AUTO to build HDF5 1.14.5 into the cache")
  endif()
  message(STATUS "carve: no HDF5 >= ${CARVE_MIN_HDF5} found; bootstrapping HDF5 1.14.5 (cached after the first build)")
  set(_carve_env "${CMAKE_COMMAND}" -E env)
  if(CARVE_CACHE_DIR)
    list(APPEND _carve_env "CARVE_CACHE_DIR=${CARVE_CACHE_DIR}")
  endif()
  if(CARVE_MPI)
    list(APPEND _carve_env "CARVE_HDF5_PARALLEL=1")
  endif()
  execute_process(
    COMMAND ${_carve_env} bash "${CMAKE_CURRENT_LIST_DIR}/bootstrap-hdf5.sh"
    OUTPUT_VARIABLE _carve_boot_out
    RESULT_VARIABLE _carve_boot_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _carve_boot_rc EQUAL 0)
    message(FATAL_ERROR "carve: bootstrapping HDF5 failed (see the messages above)")
  endif()
  string(REGEX REPLACE ".*\n" "" CARVE_HDF5_PREFIX "${_carve_boot_out}")
  set(CARVE_HDF5_BOOTSTRAPPED TRUE)
  find_package(HDF5 CONFIG REQUIRED NAMES hdf5 PATHS "${CARVE_HDF5_PREFIX}/cmake" NO_DEFAULT_PATH)
  add_library(carve_hdf5 INTERFACE IMPORTED)
  target_link_libraries(carve_hdf5 INTERFACE hdf5-shared)
  set(CARVE_HDF5_VERSION "${HDF5_VERSION}")
  get_filename_component(_carve_cache_build "${CARVE_HDF5_PREFIX}/../build" ABSOLUTE)
  set(CARVE_H5_API_TEST "${_carve_cache_build}/bin/h5_api_test" CACHE FILEPATH "HDF5's h5_api_test binary")
endif()

set(_carve_tool_hints "")
if(CARVE_HDF5_PREFIX)
  set(_carve_tool_hints HINTS "${CARVE_HDF5_PREFIX}/bin" NO_DEFAULT_PATH)
endif()
foreach(_tool h5dump h5ls h5diff)
  string(TOUPPER ${_tool} _upper)
  find_program(CARVE_${_upper} ${_tool} ${_carve_tool_hints})
endforeach()
set(CARVE_H5_API_TEST "CARVE_H5_API_TEST-NOTFOUND" CACHE FILEPATH "HDF5's h5_api_test binary")

# Parallel or not: what H5pubconf.h of the HDF5 found says.
set(CARVE_HDF5_PARALLEL FALSE)
get_target_property(_carve_inc carve_hdf5 INTERFACE_INCLUDE_DIRECTORIES)
if(TARGET hdf5-shared)
  get_target_property(_carve_inc2 hdf5-shared INTERFACE_INCLUDE_DIRECTORIES)
  list(APPEND _carve_inc ${_carve_inc2})
endif()
if(CARVE_HDF5_PREFIX)
  list(APPEND _carve_inc "${CARVE_HDF5_PREFIX}/include")
endif()
foreach(_dir IN LISTS _carve_inc)
  string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" _dir "${_dir}")
  if(_dir AND EXISTS "${_dir}/H5pubconf.h")
    file(STRINGS "${_dir}/H5pubconf.h" _carve_par REGEX "^#define H5_HAVE_PARALLEL 1")
    if(_carve_par)
      set(CARVE_HDF5_PARALLEL TRUE)
    endif()
    break()
  endif()
endforeach()
if(CARVE_MPI AND NOT CARVE_HDF5_PARALLEL)
  message(FATAL_ERROR "carve: CARVE_MPI=ON, but the HDF5 found (${CARVE_HDF5_PREFIX}) is not parallel")
endif()
if(CARVE_HDF5_PARALLEL)
  find_package(MPI REQUIRED COMPONENTS C)
endif()
message(STATUS "carve: HDF5 ${CARVE_HDF5_VERSION} ${CARVE_HDF5_PREFIX} (parallel: ${CARVE_HDF5_PARALLEL})")
