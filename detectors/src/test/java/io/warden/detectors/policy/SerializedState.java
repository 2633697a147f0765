package io.warden.detectors.policy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/** Java serialization of policy objects, as Flink checkpoints what an operator holds. */
final class SerializedState {

    private SerializedState() {}

    static byte[] bytes(Object value) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        return new ObjectInputStream(new ByteArrayInputStream(bytes)).readObject();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        try {
            return (T) read(bytes(value));
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("round trip of " + value + " failed", e);
        }
    }
}
