/* carve_skeleton.c — (being written) */
