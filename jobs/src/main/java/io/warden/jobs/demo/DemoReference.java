package io.warden.jobs.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warden.detectors.confidence.Confidence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The confidence reference of {@link DemoModel}: its max softmax probability, entropy and margin on
 * typical inputs of every class, drawn with a seed of their own (not the traffic's), in the file
 * format the config's {@code reference-file} reads.
 */
public final class DemoReference {
    public static final String ID = "demo-classifier-confidence-v1";

    /** Where the example config expects it, relative to the config file. */
    public static final String FILE = "reference/demo-classifier-confidence.json";

    static final int SAMPLES = 4000;
    static final long SEED = 7L;

    private DemoReference() {}

    /** The reference file's JSON. */
    public static String json(DemoModel model) {
        Random r = new Random(SEED);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("id", ID);
        root.put("model", DemoModel.NAME);
        root.put(
                "source",
                SAMPLES
                        + " typical inputs of DemoModel.standard(), classes drawn uniformly, seed "
                        + SEED);
        ObjectNode conf = root.putObject("confidence");
        ArrayNode msp = conf.putArray("msp");
        ArrayNode entropy = conf.putArray("entropy");
        ArrayNode margin = conf.putArray("margin");
        for (int i = 0; i < SAMPLES; i++) {
            Confidence c =
                    Confidence.ofProbabilities(
                            model.predict(model.sample(r.nextInt(model.classes()), r)));
            msp.add(round(c.msp()));
            entropy.add(round(c.entropy()));
            margin.add(round(c.margin()));
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the reference file. */
    public static Path write(DemoModel model, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json(model));
        return file;
    }

    /**
     * Regenerates the shipped file: {@code DemoReference
     * deploy/reference/demo-classifier-confidence.json}. A test checks that the shipped file equals
     * what this writes.
     */
    public static void main(String[] args) throws IOException {
        write(DemoModel.standard(), Path.of(args.length > 0 ? args[0] : "deploy/" + FILE));
    }

    /** Nine significant digits keep the file small and the ranks unchanged. */
    private static double round(double v) {
        return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.9g", v));
    }
}
