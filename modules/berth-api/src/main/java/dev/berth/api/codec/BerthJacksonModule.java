package dev.berth.api.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.berth.api.ByteSize;
import dev.berth.api.Durations;
import java.io.IOException;
import java.time.Duration;

/** Jackson (de)serializers for the value types that YAML writes as short strings. */
final class BerthJacksonModule extends SimpleModule {

    BerthJacksonModule() {
        super("berth");
        addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw JsonMappingException.from(p,
                            "expected a duration like 5s, 100ms or 1m30s, got " + p.getText());
                }
                try {
                    return Durations.parse(p.getText());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
        addSerializer(ByteSize.class, new JsonSerializer<>() {
            @Override
            public void serialize(ByteSize value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeString(value.toString());
            }

            @Override
            public boolean isEmpty(SerializerProvider provider, ByteSize value) {
                // a zero size is left out of output, like an empty list (absent reads back as 0)
                return value.isZero();
            }
        });
        addDeserializer(ByteSize.class, new JsonDeserializer<>() {
            @Override
            public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                try {
                    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                        return new ByteSize(p.getLongValue());
                    }
                    if (p.currentToken() != JsonToken.VALUE_STRING) {
                        throw JsonMappingException.from(p,
                                "expected a size like 64Mi, 1Gi or a number of bytes, got " + p.getText());
                    }
                    return ByteSize.parse(p.getText());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
    }
}
