# SPDX-License-Identifier: BSD-3-Clause
# test_error.cmake — included by test/unit/CMakeLists.txt right after unit.error is added.
# unit.harness-no-checks runs test_error with --no-checks, which makes no check at all: the harness must
# fail such a test (a test that asserts nothing fails), so ctest expects the failure.
add_test(NAME unit.harness-no-checks COMMAND test_error --no-checks)
set_tests_properties(unit.harness-no-checks PROPERTIES
  LABELS unit
  WILL_FAIL TRUE
  ENVIRONMENT_MODIFICATION "HDF5_VOL_CONNECTOR=unset:;HDF5_PLUGIN_PATH=unset:;CARVE_CONFIG=unset:")
