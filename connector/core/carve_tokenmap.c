/* carve_tokenmap.c — (being written) */
