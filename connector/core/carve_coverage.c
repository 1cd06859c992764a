/* carve_coverage.c — (being written) */
