import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The floor the replay is measured against: gunzip and parse every record of every .json.gz file with the same
 * Jackson, the same buffer sizes and the same parallelism (one file per task, as many threads as cores, bounded
 * queue), doing nothing with the result.
 *
 * Usage: java -cp snapback.jar ParseOnly.java tokens|tree DIR
 *   tokens: stream every token (the strict floor: what any streaming reader must at least do)
 *   tree:   materialize every record as a JsonNode tree (what a naive reader does)
 * Prints: records=N uncompressedBytes=B
 */
public class ParseOnly {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonFactory FACTORY = JSON.getFactory();

    public static void main(String[] args) throws Exception {
        boolean tree = args[0].equals("tree");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of(args[1]))) {
            files = walk.filter(p -> p.toString().endsWith(".json.gz")).sorted().toList();
        }
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicLong records = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2 * threads), new ThreadPoolExecutor.CallerRunsPolicy());
        for (Path file : files) {
            pool.execute(() -> {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                     JsonParser parser = FACTORY.createParser(in)) {
                    long n = 0;
                    int depth = 0;
                    for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                        if (t == JsonToken.START_OBJECT && depth == 2) {
                            n++;
                            if (tree) {
                                JSON.readTree(parser);
                                continue;
                            }
                        }
                        if (t.isStructStart()) depth++;
                        else if (t.isStructEnd()) depth--;
                    }
                    records.addAndGet(n);
                    bytes.addAndGet(parser.currentLocation().getByteOffset());
                } catch (Exception e) {
                    throw new RuntimeException(file + ": " + e, e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.DAYS);
        System.out.println("records=" + records.get() + " uncompressedBytes=" + bytes.get());
    }
}
