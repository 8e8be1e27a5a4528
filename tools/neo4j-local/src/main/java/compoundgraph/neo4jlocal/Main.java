package compoundgraph.neo4jlocal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with only the Bolt connector, so the project can talk to a real
 * server through the ordinary Python driver on machines without Docker or a Neo4j install.
 *
 * <p>Usage: {@code Main --data DIR [--host 127.0.0.1] [--port 7687] [--pagecache 1g] [--tx-timeout SECONDS]
 * [--tx-memory 512m] [--tx-memory-total 1g]}. Auth is off
 * unless the environment variable {@code NEO4J_LOCAL_PASSWORD} is set (kept out of argv so it does
 * not show in {@code ps}); then user {@code neo4j} gets that password.
 */
public final class Main {

    /** scripts/neo4j-local greps the log for this prefix to know the server is usable. */
    static final String READY_MARKER = "neo4j-local: READY";

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private Main() {}

    public static void main(String[] argv) throws InterruptedException {
        Options opts = Options.parse(argv);
        String password = System.getenv("NEO4J_LOCAL_PASSWORD");
        boolean authEnabled = password != null && !password.isEmpty();

        // Registered before startup so a SIGTERM that arrives mid-start still closes the store cleanly.
        AtomicReference<DatabaseManagementService> service = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DatabaseManagementService dbms = service.getAndSet(null);
            if (dbms != null) {
                System.out.println("neo4j-local: shutting down");
                dbms.shutdown();
                System.out.println("neo4j-local: stopped");
            }
        }, "neo4j-local-shutdown"));

        DatabaseManagementService dbms;
        try {
            // The data folder doubles as the Neo4j home: databases/transactions under DIR/data,
            // Neo4j's own debug.log under DIR/logs, so one folder is the whole server state.
            dbms = new DatabaseManagementServiceBuilder(opts.data)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(opts.host, opts.port))
                    .setConfig(GraphDatabaseSettings.auth_enabled, authEnabled)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pagecacheBytes)
                    // Preallocation reserves 256 MiB per database's transaction log up front; tests create
                    // many throwaway data folders, so grow files on demand instead.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // Driver-side per-transaction timeouts are enforced by a monitor that polls every 2 s by
                    // default; polling faster keeps short test timeouts close to what the caller asked for.
                    .setConfig(GraphDatabaseSettings.transaction_monitor_check_interval, Duration.ofMillis(200))
                    // Bounds for runaway queries (the API's Cypher console, a careless script): every
                    // transaction is aborted after --tx-timeout, a single transaction may hold at most
                    // --tx-memory of heap and all transactions together --tx-memory-total.
                    .setConfig(GraphDatabaseSettings.transaction_timeout, opts.txTimeout)
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, opts.txMemoryBytes)
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, opts.txMemoryTotalBytes)
                    // Netty otherwise idles 5 s before closing Bolt, which makes every stop/restart slower.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (RuntimeException e) {
            // Typically the port is taken or the store is locked by another process.
            System.err.println("neo4j-local: failed to start: " + rootMessage(e));
            e.printStackTrace();
            System.exit(1);
            return;
        }
        service.set(dbms);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (!db.isAvailable(STARTUP_TIMEOUT.toMillis()) || !system.isAvailable(STARTUP_TIMEOUT.toMillis())) {
            System.err.println("neo4j-local: database did not become available within " + STARTUP_TIMEOUT);
            System.exit(1);
        }

        if (authEnabled) {
            // Embedded transactions bypass auth, so this is how a fresh store gets a usable password
            // without neo4j-admin (which the embedded artifact does not ship).
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                // e.g. shorter than dbms.security.auth_minimum_password_length (8); without exiting,
                // Neo4j's threads would keep a server running that nobody can log into.
                System.err.println("neo4j-local: cannot set the password: " + rootMessage(e));
                System.exit(1);
            }
        }

        System.out.printf("%s bolt://%s:%d auth=%s data=%s pagecache=%d heap_max=%d pid=%d%n",
                READY_MARKER, opts.host, opts.port, authEnabled ? "neo4j/<NEO4J_LOCAL_PASSWORD>" : "none",
                opts.data, opts.pagecacheBytes, Runtime.getRuntime().maxMemory(), ProcessHandle.current().pid());
        System.out.flush();

        // Neo4j's threads do the work; the main thread only has to outlive them until SIGTERM.
        new CountDownLatch(1).await();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Command-line options; the bash wrapper resolves env-var defaults before calling us. */
    private record Options(Path data, String host, int port, long pagecacheBytes, Duration txTimeout,
                           long txMemoryBytes, long txMemoryTotalBytes) {

        static Options parse(String[] argv) {
            Path data = null;
            String host = "127.0.0.1";
            int port = 7687;
            long pagecache = ByteUnit.gibiBytes(1);
            Duration txTimeout = Duration.ofSeconds(120);
            long txMemory = ByteUnit.mebiBytes(512);
            long txMemoryTotal = ByteUnit.gibiBytes(1);
            for (int i = 0; i < argv.length; i++) {
                String value = i + 1 < argv.length ? argv[i + 1] : null;
                try {
                    switch (argv[i]) {
                        case "--data" -> data = Path.of(require(argv[i], value));
                        case "--host" -> host = require(argv[i], value);
                        case "--port" -> port = Integer.parseInt(require(argv[i], value));
                        case "--pagecache" -> pagecache = ByteUnit.parse(require(argv[i], value));
                        case "--tx-timeout" -> txTimeout = Duration.ofSeconds(Long.parseLong(require(argv[i], value)));
                        case "--tx-memory" -> txMemory = ByteUnit.parse(require(argv[i], value));
                        case "--tx-memory-total" -> txMemoryTotal = ByteUnit.parse(require(argv[i], value));
                        default -> usage("unknown argument: " + argv[i]);
                    }
                } catch (IllegalArgumentException e) {
                    usage("bad value for " + argv[i] + ": " + e.getMessage());
                }
                i++;
            }
            if (data == null) {
                usage("--data is required");
            }
            return new Options(data.toAbsolutePath().normalize(), host, port, pagecache, txTimeout, txMemory,
                    txMemoryTotal);
        }

        private static String require(String flag, String value) {
            if (value == null) {
                usage(flag + " needs a value");
            }
            return value;
        }

        private static void usage(String problem) {
            System.err.println("neo4j-local: " + problem);
            System.err.println("usage: Main --data DIR [--host 127.0.0.1] [--port 7687] [--pagecache 1g]"
                    + " [--tx-timeout 120] [--tx-memory 512m] [--tx-memory-total 1g]");
            System.exit(2);
        }
    }
}
