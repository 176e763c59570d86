import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts AWS's DynamoDB Local exactly as its own ServerRunner does, but with
 * the HTTP connector bound to 127.0.0.1 instead of every interface.
 *
 * Why: DynamoDB Local has no bind option and accepts any credentials, so on
 * conference Wi-Fi anyone in the room could read and change a learner's
 * tables. Its Jetty server is created (not started) by
 * ServerRunner.createServerFromCommandLineArgs; the connector's host can
 * still be set then. The field name is checked at start-up: if a future
 * DynamoDB Local renames it, this exits with a message and the Node side
 * falls back to the plain engine with a warning.
 *
 * Compiled on first use by scripts/local-cloud/dynamodb-loopback.ts.
 */
public final class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) return; // -help or -version: ServerRunner has printed it
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost("127.0.0.1");
        bound++;
      }
    }
    if (bound == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to 127.0.0.1");
    proxy.start();
    System.out.println("DynamoDB Local listens on 127.0.0.1 only");
  }
}
