/*
 * h5carve_inspect.c — h5carve inspect: what a container, a manifest or a directory of them holds.
 */
#include <stdio.h>

#include "h5carve.h"

int
h5carve_inspect(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("h5carve: inspect is not written yet\n", stderr);
    return H5CARVE_USAGE;
}
