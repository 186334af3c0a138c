package dev.snapback.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory DynamoDB table behind the {@link AwsStub}, for {@code UpdateItem} (and the plain {@code GetItem} and
 * {@code PutItem} of the audit log's notices): it evaluates the condition
 * and update expressions (the subset the audit log uses: {@code attribute_not_exists}, {@code =}, {@code <},
 * {@code AND}, {@code OR}, parentheses; {@code SET} with {@code if_not_exists}, {@code list_append} and {@code +};
 * {@code REMOVE}; {@code ReturnValues ALL_OLD}) the way DynamoDB documents them, so the claim protocol is exercised
 * against state, not strings.
 * Select it with {@code .withTransformers(FakeDynamoDb.NAME)}; the table empties before each test.
 */
public final class FakeDynamoDb implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "fake-dynamodb";
    private static final String JSON_10 = "application/x-amz-json-1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s*([#:]?[A-Za-z_][A-Za-z0-9_]*|[(),=<+])");

    private final Map<String, ObjectNode> items = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    public void clear() {
        items.clear();
    }

    /** The stored item (DynamoDB JSON), or {@code null}. */
    public ObjectNode item(String eventId, String detectorId) {
        return items.get(eventId + "|" + detectorId);
    }

    /** Puts an item as it would be after earlier invocations. */
    public void put(ObjectNode item) {
        items.put(item.at("/eventId/S").asText() + "|" + item.at("/detectorId/S").asText(), item);
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
        String target = serveEvent.getRequest().getHeader("X-Amz-Target");
        try {
            JsonNode request = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            switch (target) {
                case "DynamoDB_20120810.GetItem" -> {
                    ObjectNode key = (ObjectNode) request.get("Key");
                    ObjectNode found = item(key.at("/eventId/S").asText(), key.at("/detectorId/S").asText());
                    ObjectNode response = JSON.createObjectNode();
                    if (found != null) response.set("Item", found);
                    return AwsStub.json(200, JSON_10, response.toString()).build();
                }
                case "DynamoDB_20120810.PutItem" -> {
                    put(request.get("Item").deepCopy());
                    return AwsStub.json(200, JSON_10, "{}").build();
                }
                case "DynamoDB_20120810.UpdateItem" -> { }
                default -> {
                    return error("UnknownOperationException", "the fake table only knows GetItem, PutItem and UpdateItem", null);
                }
            }
            ObjectNode key = (ObjectNode) request.get("Key");
            String id = key.at("/eventId/S").asText() + "|" + key.at("/detectorId/S").asText();
            ObjectNode existing = items.get(id);
            ObjectNode item = existing == null ? key.deepCopy() : existing.deepCopy();
            Expression expression = new Expression(request, existing == null ? JSON.createObjectNode() : existing);
            if (request.has("ConditionExpression") && !expression.condition(request.get("ConditionExpression").asText())) {
                boolean allOld = "ALL_OLD".equals(request.path("ReturnValuesOnConditionCheckFailure").asText());
                return error("ConditionalCheckFailedException", "The conditional request failed", allOld ? existing : null);
            }
            expression.update(request.get("UpdateExpression").asText(), item);
            items.put(id, item);
            ObjectNode response = JSON.createObjectNode();
            if ("ALL_OLD".equals(request.path("ReturnValues").asText()) && existing != null) response.set("Attributes", existing);
            return AwsStub.json(200, JSON_10, response.toString()).build();
        } catch (Exception e) {
            return error("ValidationException", "fake table: " + e, null);
        }
    }

    private static ResponseDefinition error(String type, String message, ObjectNode item) {
        ObjectNode body = JSON.createObjectNode().put("__type", "com.amazonaws.dynamodb.v20120810#" + type).put("message", message);
        if (item != null) body.set("Item", item);
        return AwsStub.json(400, JSON_10, body.toString()).build();
    }

    /** A recursive-descent reader of one expression against the item as it was before the request. */
    private static final class Expression {
        private final JsonNode names;
        private final JsonNode values;
        private final ObjectNode before;
        private List<String> tokens;
        private int at;

        Expression(JsonNode request, ObjectNode before) {
            this.names = request.path("ExpressionAttributeNames");
            this.values = request.path("ExpressionAttributeValues");
            this.before = before;
        }

        boolean condition(String text) {
            read(text);
            boolean result = or();
            expectEnd();
            return result;
        }

        void update(String text, ObjectNode item) {
            read(text);
            expect("SET");
            do {
                String name = name(next());
                expect("=");
                JsonNode value = value();
                item.set(name, value);
            } while (accept(","));
            if (accept("REMOVE")) {
                do item.remove(name(next())); while (accept(","));
            }
            expectEnd();
        }

        private boolean or() {
            boolean result = and();
            while (accept("OR")) result |= and();
            return result;
        }

        private boolean and() {
            boolean result = primary();
            while (accept("AND")) result &= primary();
            return result;
        }

        private boolean primary() {
            if (accept("(")) {
                boolean result = or();
                expect(")");
                return result;
            }
            if (accept("attribute_not_exists")) {
                expect("(");
                boolean result = !before.has(name(next()));
                expect(")");
                return result;
            }
            JsonNode left = operand(next());
            String op = next();
            JsonNode right = operand(next());
            if (left == null || right == null) return false;
            return switch (op) {
                case "=" -> left.equals(right);
                case "<" -> new BigDecimal(left.get("N").asText()).compareTo(new BigDecimal(right.get("N").asText())) < 0;
                default -> throw new IllegalArgumentException("operator " + op);
            };
        }

        private JsonNode value() {
            JsonNode left = term();
            if (!accept("+")) return left;
            JsonNode right = term();
            return JSON.createObjectNode().put("N", new BigDecimal(left.get("N").asText()).add(new BigDecimal(right.get("N").asText())).toPlainString());
        }

        private JsonNode term() {
            if (accept("if_not_exists")) {
                expect("(");
                JsonNode current = operand(next());
                expect(",");
                JsonNode fallback = operand(next());
                expect(")");
                return current != null ? current : fallback;
            }
            if (accept("list_append")) {
                expect("(");
                JsonNode first = value();
                expect(",");
                JsonNode second = value();
                expect(")");
                ArrayNode list = JSON.createArrayNode().addAll((ArrayNode) first.get("L")).addAll((ArrayNode) second.get("L"));
                ObjectNode result = JSON.createObjectNode();
                result.set("L", list);
                return result;
            }
            JsonNode operand = operand(next());
            if (operand == null) throw new IllegalArgumentException("the update refers to a missing attribute");
            return operand;
        }

        /** A {@code :value}, or a {@code #name}'s value in the item before the request ({@code null} if absent). */
        private JsonNode operand(String token) {
            if (token.startsWith(":")) {
                if (!values.has(token)) throw new IllegalArgumentException("undefined value " + token);
                return values.get(token);
            }
            return before.get(name(token));
        }

        private String name(String token) {
            if (!token.startsWith("#")) return token;
            if (!names.has(token)) throw new IllegalArgumentException("undefined name " + token);
            return names.get(token).asText();
        }

        private void read(String text) {
            tokens = new ArrayList<>();
            at = 0;
            Matcher m = TOKEN.matcher(text);
            int end = 0;
            while (m.find() && m.start() == end) {
                tokens.add(m.group(1));
                end = m.end();
            }
            if (!text.substring(end).isBlank()) throw new IllegalArgumentException("cannot read " + text.substring(end));
        }

        private String next() {
            if (at >= tokens.size()) throw new IllegalArgumentException("expression ends early");
            return tokens.get(at++);
        }

        private boolean accept(String token) {
            if (at < tokens.size() && tokens.get(at).equals(token)) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (!accept(token)) throw new IllegalArgumentException("expected " + token + " at " + tokens.subList(at, tokens.size()));
        }

        private void expectEnd() {
            if (at != tokens.size()) throw new IllegalArgumentException("unexpected " + tokens.subList(at, tokens.size()));
        }
    }
}
