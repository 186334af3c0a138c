import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites a canonical S3-log corpus (GenerateCorpus) as an Athena query over the trail bucket exports it: one bare
 * record per line, gzipped JSON lines, field names lower-cased, eventTime as 'yyyy-MM-dd HH:mm:ss', and
 * requestParameters, responseElements and additionalEventData as JSON strings. The same records, so replaying
 * either corpus must give the same decisions; the difference in time is what reading the exported form costs.
 *
 * Usage: java -cp snapback.jar ExportCorpus.java CANONICAL_DIR OUT_DIR
 */
public class ExportCorpus {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> AS_STRINGS = Set.of("requestParameters", "responseElements", "additionalEventData");

    public static void main(String[] args) throws Exception {
        Path from = Path.of(args[0]);
        Path to = Path.of(args[1]);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(p -> p.toString().endsWith(".json.gz")).sorted().toList();
        }
        files.parallelStream().forEach(file -> {
            Path target = to.resolve(from.relativize(file).toString().replaceFirst("\\.json\\.gz$", ".jsonl.gz"));
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                Files.createDirectories(target.getParent());
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target), 1 << 16)) {
                    for (JsonNode record : JSON.readTree(in).path("Records")) {
                        out.write(JSON.writeValueAsBytes(athena((ObjectNode) record)));
                        out.write('\n');
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(file + ": " + e, e);
            }
        });
    }

    static ObjectNode athena(ObjectNode record) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        for (var field : record.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (AS_STRINGS.contains(name) && !value.isNull()) value = JSON.getNodeFactory().textNode(JSON.writeValueAsString(value));
            else if (name.equals("eventTime")) value = JSON.getNodeFactory().textNode(value.asText().replace('T', ' ').replace("Z", ""));
            else if (value instanceof ObjectNode object) value = lowerCased(object);
            out.set(name.toLowerCase(Locale.ROOT), value);
        }
        return out;
    }

    static ObjectNode lowerCased(ObjectNode node) {
        ObjectNode out = JSON.createObjectNode();
        for (var field : node.properties()) {
            JsonNode value = field.getValue();
            out.set(field.getKey().toLowerCase(Locale.ROOT), value instanceof ObjectNode object ? lowerCased(object) : value);
        }
        return out;
    }
}
