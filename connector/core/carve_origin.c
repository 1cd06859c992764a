/* carve_origin.c — (being written) */
