/* carve_manifest.c — (being written) */
