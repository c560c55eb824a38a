package dev.berth.dns;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

/**
 * DNS over TCP framing (RFC 1035 4.2.2, RFC 7766): every message is preceded by its length in two
 * bytes. Both the server side (clients' queries) and the forwarder (upstreams' answers) use it.
 */
final class TcpFraming {

    /** Below a DNS header's size a frame cannot be a message. */
    private static final int HEADER_SIZE = 12;

    private TcpFraming() {
    }

    /**
     * A parser to set as a socket's handler: calls onMessage with each whole message, or onMalformed
     * (once; the caller closes the connection) when a length cannot be a DNS message.
     */
    static RecordParser parser(Handler<byte[]> onMessage, Runnable onMalformed) {
        RecordParser parser = RecordParser.newFixed(2);
        parser.handler(new Handler<>() {
            private boolean readingLength = true;
            private boolean broken;

            @Override
            public void handle(Buffer frame) {
                if (broken) {
                    return;
                }
                if (readingLength) {
                    int length = frame.getUnsignedShort(0);
                    if (length < HEADER_SIZE) {
                        broken = true;
                        onMalformed.run();
                        return;
                    }
                    readingLength = false;
                    parser.fixedSizeMode(length);
                } else {
                    readingLength = true;
                    parser.fixedSizeMode(2);
                    onMessage.handle(frame.getBytes());
                }
            }
        });
        return parser;
    }

    /** The message with its two-byte length in front. */
    static Buffer frame(byte[] message) {
        return Buffer.buffer(message.length + 2).appendUnsignedShort(message.length).appendBytes(message);
    }
}
