package io.itinera.loadtest.cluster;

import java.nio.file.Path;

/**
 * How every engine node of the benchmark starts: with the repository's {@code ./itinera} launcher,
 * the same seed nodes and the same database.
 */
record NodeLaunch(Path repo, String seeds, String databaseUrl) {}
