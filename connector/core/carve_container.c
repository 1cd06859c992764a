/* carve_container.c — (being written) */
