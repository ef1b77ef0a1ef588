// Starts an embedded Neo4j Community database with its Bolt connector for the test suite.
//
// Run as a single-file source program on the classpath resolved from servers/neo4j/pom.xml:
//   java [jvm flags] -cp "$(cat cp.txt)" servers/neo4j/Launcher.java DIR PORT [LOGS_DIR]
// DIR is a fresh, throwaway home directory (data, and Neo4j's own logs unless LOGS_DIR is
// given, so they can outlive the data dir); PORT is the Bolt port on 127.0.0.1. Auth is off: the server is only reachable from loopback and lives for one
// test run. Prints "NEO4J_READY bolt://127.0.0.1:PORT" once Bolt answers queries, then waits
// until the JVM is asked to stop (SIGTERM/SIGINT), when a shutdown hook closes the database.

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Launcher DIR PORT [LOGS_DIR]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path logs = args.length == 3 ? Path.of(args[2]).toAbsolutePath() : home.resolve("logs");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // The default page cache takes half the machine's RAM; tests need very little.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                // Preallocating transaction logs writes hundreds of MB per fresh store for nothing.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Bolt waits 5 s for connections and another 5 s for its thread pool on
                // shutdown; a throwaway test server has nothing worth waiting for.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NEO4J_STOPPING");
            try {
                dbms.shutdown();
            } finally {
                System.out.println("NEO4J_STOPPED");
                stopped.countDown();
            }
        }, "neo4j-test-server-shutdown"));

        // build() returns once the default database has started; make sure it really
        // answers a query before announcing readiness.
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(2))) {
            System.err.println("NEO4J_FAILED default database not available");
            System.exit(1);
        }
        db.executeTransactionally("RETURN 1");

        System.out.println("NEO4J_READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
