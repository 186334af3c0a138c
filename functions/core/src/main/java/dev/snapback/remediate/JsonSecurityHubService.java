package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.remediate.JsonProtocolClient.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpMethod;

/** {@link SecurityHubService} over Security Hub's own {@code restJson1} protocol ({@link JsonProtocolClient}). */
final class JsonSecurityHubService implements SecurityHubService {

    static final JsonProtocolClient.Service SERVICE = new JsonProtocolClient.Service("SecurityHub", "securityhub", "securityhub",
            new JsonProtocolClient.Protocol.RestJson());

    private final JsonProtocolClient client;

    JsonSecurityHubService(JsonProtocolClient client) {
        this.client = client;
    }

    @Override
    public Optional<List<Subscription>> enabledStandards(List<String> subscriptionArns) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        subscriptionArns.forEach(request.putArray("StandardsSubscriptionArns")::add);
        JsonNode answer;
        try {
            answer = client.call(new Operation("GetEnabledStandards", SdkHttpMethod.POST, "/standards/get"), request);
        } catch (AwsServiceException e) {
            // Security Hub's answer when the account is not subscribed to it in the region.
            if ("InvalidAccessException".equals(AwsErrors.code(e))) return Optional.empty();
            throw e;
        }
        List<Subscription> subscriptions = new ArrayList<>();
        for (JsonNode subscription : answer.path("StandardsSubscriptions")) {
            subscriptions.add(new Subscription(subscription.path("StandardsSubscriptionArn").asText(),
                    subscription.path("StandardsArn").asText(), subscription.path("StandardsStatus").asText()));
        }
        return Optional.of(subscriptions);
    }

    @Override
    public void enableStandards(List<String> standardsArns) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        ArrayNode requests = request.putArray("StandardsSubscriptionRequests");
        standardsArns.forEach(arn -> requests.addObject().put("StandardsArn", arn));
        client.call(new Operation("BatchEnableStandards", SdkHttpMethod.POST, "/standards/register"), request);
    }
}
