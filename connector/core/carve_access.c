/* carve_access.c — (being written) */
