# SPDX-License-Identifier: BSD-3-Clause
# test_skeleton.cmake — included by test/unit/CMakeLists.txt right after unit.skeleton is added. The test
# writes the zoo with carve_make_zoo and compares h5dump output; add_test has already fixed its command
# line, so the two programs reach it through the environment (CARVE_MAKE_ZOO, CARVE_H5DUMP; an absent
# h5dump only skips the dump comparisons).
if(TEST unit.skeleton)
  set(_carve_skeleton_h5dump "")
  if(CARVE_H5DUMP)
    set(_carve_skeleton_h5dump "${CARVE_H5DUMP}")
  endif()
  set_tests_properties(unit.skeleton PROPERTIES
    ENVIRONMENT "CARVE_MAKE_ZOO=$<TARGET_FILE:carve_make_zoo>;CARVE_H5DUMP=${_carve_skeleton_h5dump}"
    TIMEOUT 300)
  unset(_carve_skeleton_h5dump)
endif()
