package graphcrm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A local Neo4j Community DBMS for graphcrm: Bolt on 127.0.0.1 only, no HTTP, data in a folder.
 *
 * <p>Usage: {@code LocalNeo4j DATA_FOLDER [PORT]} (port 0, the default, takes a free one);
 * {@code -Dgraphcrm.plugins=DIR} loads APOC and GDS from the jars in DIR.
 * The page cache is {@code GRAPHCRM_NEO4J_PAGECACHE} (default 512m); the heap is the JVM's -Xmx.
 * Authentication is off unless {@code GRAPHCRM_NEO4J_PASSWORD} is set: then the user
 * {@code neo4j} gets that password. When Bolt accepts connections it writes
 * {@code DATA_FOLDER/local-neo4j.json} (pid, port, uri) and prints one line,
 * {@code NEO4J_URI=bolt://127.0.0.1:PORT}. SIGTERM (or Ctrl-C) shuts the DBMS down cleanly.
 */
public final class LocalNeo4j {
    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LocalNeo4j DATA_FOLDER [PORT]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
        String password = System.getenv("GRAPHCRM_NEO4J_PASSWORD");
        String pageCache = System.getenv().getOrDefault("GRAPHCRM_NEO4J_PAGECACHE", "512m");
        boolean auth = password != null && !password.isEmpty();
        Files.createDirectories(home);
        Path info = home.resolve("local-neo4j.json");
        Files.deleteIfExists(info);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                // Bolt on loopback only; no HTTP(S) endpoints at all.
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                // Nothing leaves the machine: no anonymous usage reports to neo4j.com.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false)
                // Page cache from GRAPHCRM_NEO4J_PAGECACHE (e.g. 512m, 4g); the heap is -Xmx.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                // APOC and GDS procedures, when their jars are on the class path.
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*", "gds.*"))
                // Small, bounded transaction logs: a scratch and test DBMS, not a production one.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5));
        // APOC and GDS: procedures are registered only from jars in a plugins folder, never
        // from the class path; -Dgraphcrm.plugins=DIR names the folder holding theirs.
        String plugins = System.getProperty("graphcrm.plugins", "");
        if (!plugins.isEmpty()) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(plugins).toAbsolutePath());
        }
        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "local-neo4j-shutdown"));

        if (auth) {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    java.util.Map.of("password", password));
        }
        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int bound = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();
        String uri = "bolt://127.0.0.1:" + bound;
        long pid = ProcessHandle.current().pid();
        Path tmp = home.resolve("local-neo4j.json.tmp");
        Files.writeString(tmp, String.format(
                "{\"pid\": %d, \"port\": %d, \"uri\": \"%s\", \"auth\": %b}%n", pid, bound, uri, auth),
                StandardCharsets.UTF_8);
        Files.move(tmp, info, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("NEO4J_URI=" + uri);
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeQuietly(info);
    }

    private static void removeQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the next start replaces it
        }
    }
}
