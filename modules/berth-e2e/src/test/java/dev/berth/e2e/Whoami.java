package dev.berth.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code curl 127.0.0.1:<port>} of the whoami example, one new TCP connection per request (a
 * kept-alive connection would stick to one replica and hide the balancing).
 */
final class Whoami {

    private Whoami() {
    }

    /** The answer's body, stripped (a container hostname); empty when nothing answered. */
    static Optional<String> get(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ") || body < 0) {
                return Optional.empty();
            }
            return Optional.of(response.substring(body + 4).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
