package org.childprotection.neo4j;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs a Neo4j 5 Community database in-process with a Bolt connector, so
 * development and tests can use the real database without a Neo4j
 * installation or a container engine.
 *
 * <p>Usage: {@code EmbeddedNeo4j --data DIR [--port N] [--address HOST]}.
 * Credentials come from {@code NEO4J_USER} and {@code NEO4J_PASSWORD}. Once
 * Bolt accepts logins the single line {@code READY bolt://HOST:PORT} is
 * printed to stdout; callers wait for that line rather than polling.
 */
public final class EmbeddedNeo4j {

    private static final String DEFAULT_USER = "neo4j";
    private static final String DEFAULT_PASSWORD = "devpassword";
    private static final int DEFAULT_PORT = 7687;
    private static final String DEFAULT_ADDRESS = "127.0.0.1";

    private EmbeddedNeo4j() {
    }

    /** Thrown for problems the user can fix; main prints the message without a stack trace. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        StartupException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    record Options(Path dataDir, String address, int port) {
    }

    public static void main(String[] args) {
        try {
            run(parseArgs(args));
        } catch (StartupException e) {
            System.err.println("neo4j-embedded: " + e.getMessage());
            System.exit(e.exitCode);
        } catch (Throwable t) {
            System.err.println("neo4j-embedded: failed to start: " + t);
            t.printStackTrace(System.err);
            System.exit(1);
        }
    }

    static Options parseArgs(String[] args) throws StartupException {
        Path dataDir = null;
        String address = DEFAULT_ADDRESS;
        int port = DEFAULT_PORT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--data" -> dataDir = Path.of(requireValue(args, ++i, arg));
                case "--address" -> address = requireValue(args, ++i, arg);
                case "--port" -> port = parsePort(requireValue(args, ++i, arg));
                case "-h", "--help" -> throw new StartupException(usage(), 0);
                default -> throw new StartupException("unknown argument '" + arg + "'\n" + usage(), 2);
            }
        }
        if (dataDir == null) {
            throw new StartupException("--data DIR is required\n" + usage(), 2);
        }
        if (address.isBlank()) {
            throw new StartupException("--address must not be empty", 2);
        }
        return new Options(dataDir.toAbsolutePath().normalize(), address, port);
    }

    private static String requireValue(String[] args, int index, String flag) throws StartupException {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new StartupException(flag + " needs a value\n" + usage(), 2);
        }
        return args[index];
    }

    private static int parsePort(String value) throws StartupException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below together with the range check
        }
        throw new StartupException("--port must be an integer between 1 and 65535, got '" + value + "'", 2);
    }

    private static String usage() {
        return "usage: EmbeddedNeo4j --data DIR [--port N (default " + DEFAULT_PORT + ")] [--address HOST (default "
                + DEFAULT_ADDRESS + ")]\n"
                + "environment: NEO4J_USER (default " + DEFAULT_USER + "), NEO4J_PASSWORD (default "
                + DEFAULT_PASSWORD + ")";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static void run(Options options) throws Exception {
        String user = env("NEO4J_USER", DEFAULT_USER);
        String password = env("NEO4J_PASSWORD", DEFAULT_PASSWORD);

        // Neo4j would only reject a short password after the whole store is up.
        int minLength = GraphDatabaseSettings.auth_minimum_password_length.defaultValue();
        if (password.length() < minLength) {
            throw new StartupException("NEO4J_PASSWORD must be at least " + minLength + " characters", 2);
        }

        // Neo4j only reports a taken port deep inside a lifecycle exception after
        // it has already created the store, so check up front for a clear message.
        checkPortFree(options.address(), options.port());

        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new StartupException("cannot create data directory " + options.dataDir() + ": " + e.getMessage(), 1);
        }

        DatabaseManagementService service;
        try {
            service = new DatabaseManagementServiceBuilder(options.dataDir())
                    .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                    .setConfig(settings(options))
                    .build();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw new StartupException("cannot listen on " + options.address() + ":" + options.port()
                        + " (address already in use?): " + rootMessage(e), 1);
            }
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-embedded: shutting down");
            try {
                service.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-embedded-shutdown"));

        try {
            configureUser(service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), user, password);
        } catch (QueryExecutionException e) {
            throw new StartupException("cannot set credentials for user '" + user + "': " + e.getMessage(), 1);
        }

        System.out.println("READY bolt://" + formatHost(options.address()) + ":" + options.port());
        System.out.flush();

        stopped.await();
    }

    private static Map<Setting<?>, Object> settings(Options options) {
        return Map.ofEntries(
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, new SocketAddress(options.address(), options.port())),
                Map.entry(BoltConnector.advertised_address, new SocketAddress(options.address(), options.port())),
                Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                // The embedded build has no HTTP server; make sure no connector is even attempted.
                Map.entry(HttpConnector.enabled, false),
                Map.entry(HttpsConnector.enabled, false),
                Map.entry(GraphDatabaseSettings.auth_enabled, true),
                Map.entry(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256)),
                Map.entry(GraphDatabaseSettings.udc_enabled, false),
                // Dev data is disposable: keep transaction logs small instead of the
                // server defaults (256 MiB preallocated files kept for two days).
                Map.entry(GraphDatabaseSettings.keep_logical_logs, "1 files"),
                Map.entry(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16)),
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                // SIGTERM should not hang behind a forgotten open transaction.
                Map.entry(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5)),
                // Netty otherwise idles 5 s before closing the Bolt event loops,
                // which makes every stop (and test-suite restart) that much slower.
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0));
    }

    /**
     * Makes the configured credentials valid for Bolt basic auth. A fresh store
     * has user neo4j/neo4j with a forced password change, which drivers cannot
     * complete, so the password is always reset with CHANGE NOT REQUIRED.
     */
    static void configureUser(GraphDatabaseService system, String user, String password) {
        if (!DEFAULT_USER.equals(user)) {
            runSystem(system, "CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("user", user, "password", password));
        }
        try {
            runSystem(system, "ALTER USER $user SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("user", user, "password", password));
        } catch (QueryExecutionException e) {
            // On restart the stored password usually equals the requested one,
            // which Neo4j rejects as a "change"; the credentials are already right.
            if (!isSamePasswordError(e)) {
                throw e;
            }
            runSystem(system, "ALTER USER $user SET PASSWORD CHANGE NOT REQUIRED", Map.of("user", user));
        }
    }

    private static boolean isSamePasswordError(QueryExecutionException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("old password and new password cannot be the same");
    }

    private static void runSystem(GraphDatabaseService system, String query, Map<String, Object> params) {
        try (Transaction tx = system.beginTx()) {
            tx.execute(query, params).close();
            tx.commit();
        }
    }

    private static void checkPortFree(String address, int port) throws StartupException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            throw new StartupException("port " + port + " on " + address
                    + " is not available (already in use, or address not local): " + e.getMessage(), 1);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new StartupException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), 1);
        }
    }

    private static String formatHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
