package dev.snapback.remediate;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.s3control.S3ControlClientBuilder;
import software.amazon.awssdk.services.s3control.endpoints.S3ControlEndpointProvider;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Every AWS client Snapback uses, built once per container and reused: regional clients (EC2, CloudTrail, and the
 * services of Snapback's own control plane) are cached by region (events arrive from many regions), IAM goes through
 * its global endpoint ({@link #iamRegion}), SNS, DynamoDB, SSM and STS live in the function's own region.
 *
 * <p>Everything is explicit so that cold start does no discovery: one shared {@link UrlConnectionHttpClient} (the only
 * HTTP client on the classpath), the region, the credentials provider and the SDK's standard retry mode (throttling
 * and 5xx are retried with backoff; other errors surface at once). Every call is bounded by the {@link CallBudget}
 * of the invocation, so a call that hangs cannot outlive the function. The endpoint is left to the SDK unless one is
 * given: the SDK itself honours {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}, which is how local stubs and the
 * integration profile point Snapback elsewhere.
 *
 * <p>AWS Config, GuardDuty and Security Hub, whose SDK modules this build cannot have, are spoken through
 * {@link JsonProtocolClient} on the same HTTP client, credentials, endpoint rules and budget, behind interfaces
 * ({@link ConfigService}, {@link GuardDutyService}, {@link SecurityHubService}) that generated clients can implement
 * instead.
 */
public final class AwsClients implements AutoCloseable {

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region home;
    private final URI endpoint;
    private final CallBudget budget = new CallBudget(Clock.systemUTC());
    /** Clients by service and region, each built on first use and kept for the container's life. */
    private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
    /** The same, for the services spoken through {@link JsonProtocolClient}. */
    private final Map<String, JsonProtocolClient> jsonClients = new ConcurrentHashMap<>();

    /**
     * @param home        the function's own region (SNS topic, audit table, SSM parameter)
     * @param credentials how to sign; Lambda supplies them through environment variables
     * @param endpoint    a fixed endpoint for every client (tests), or {@code null} for the SDK's own resolution
     */
    public AwsClients(Region home, AwsCredentialsProvider credentials, URI endpoint) {
        this(UrlConnectionHttpClient.create(), home, credentials, endpoint);
    }

    /** Over another HTTP client: SnapStart priming answers every call inside the process. */
    public AwsClients(SdkHttpClient http, Region home, AwsCredentialsProvider credentials, URI endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.home = home;
        this.endpoint = endpoint;
    }

    /**
     * The Lambda setup: region from {@code AWS_REGION}; {@link DefaultCredentialsProvider}, whose first link reads
     * the environment variables Lambda sets (and which still works with {@code AWS_PROFILE} for the integration
     * tests); endpoints as the SDK resolves them.
     */
    public static AwsClients fromEnvironment(Map<String, String> environment) {
        String region = environment.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set: Snapback needs its home region");
        }
        return new AwsClients(Region.of(region), DefaultCredentialsProvider.builder().build(), null);
    }

    public Region home() {
        return home;
    }

    /** The time every call of these clients may take; a Lambda invocation starts it from its context. */
    public CallBudget budget() {
        return budget;
    }

    public Ec2Client ec2(String region) {
        return client("ec2", Region.of(region), Ec2Client::builder);
    }

    /** CloudTrail in the given region: trail changes must be made in the trail's home region. */
    public CloudTrailClient cloudTrail(String region) {
        return client("cloudtrail", Region.of(region), CloudTrailClient::builder);
    }

    /** The regional services of Snapback's own control plane, where {@code snapback-tampered} restores it. */
    public EventBridgeClient eventBridge(String region) {
        return client("events", Region.of(region), EventBridgeClient::builder);
    }

    public CloudWatchClient cloudWatch(String region) {
        return client("monitoring", Region.of(region), CloudWatchClient::builder);
    }

    public LambdaClient lambda(String region) {
        return client("lambda", Region.of(region), LambdaClient::builder);
    }

    public KmsClient kms(String region) {
        return client("kms", Region.of(region), KmsClient::builder);
    }

    /**
     * S3 in the bucket's region, which CloudTrail records as the event's. A fixed endpoint (tests, local stubs) is
     * addressed path-style: it serves every bucket on one host.
     */
    public S3Client s3(String region) {
        return client("s3", Region.of(region), () -> S3Client.builder().forcePathStyle(endpoint != null));
    }

    /**
     * S3 Control, for the account-level settings of S3, in the given region (they are the account's in every region).
     * The SDK's endpoint rules put the account id in front of the host ({@code 111122223333.s3-control...}); a fixed
     * endpoint is one host, so there the request goes to that host.
     */
    public S3ControlClient s3Control(String region) {
        return client("s3control", Region.of(region), () -> {
            S3ControlClientBuilder builder = S3ControlClient.builder();
            if (endpoint == null) return builder;
            // The rules' endpoint, signing properties and all, with its host put back to the fixed one.
            S3ControlEndpointProvider rules = S3ControlEndpointProvider.defaultProvider();
            return builder.endpointProvider(parameters -> rules.resolveEndpoint(parameters).thenApply(resolved -> resolved.toBuilder()
                    .url(URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + resolved.url().getRawPath())).build()));
        });
    }

    /** AWS Config in the given region: recorders are regional. */
    public ConfigService config(String region) {
        return new JsonConfigService(json(JsonConfigService.SERVICE, Region.of(region)));
    }

    /** GuardDuty in the given region: detectors are regional. */
    public GuardDutyService guardDuty(String region) {
        return new JsonGuardDutyService(json(JsonGuardDutyService.SERVICE, Region.of(region)));
    }

    /** Security Hub in the given region: hubs and their standards are regional. */
    public SecurityHubService securityHub(String region) {
        return new JsonSecurityHubService(json(JsonSecurityHubService.SERVICE, Region.of(region)));
    }

    public IamClient iam() {
        return client("iam", iamRegion(home), IamClient::builder);
    }

    public SnsClient sns() {
        return client("sns", home, SnsClient::builder);
    }

    public DynamoDbClient dynamoDb() {
        return client("dynamodb", home, DynamoDbClient::builder);
    }

    public SsmClient ssm() {
        return client("ssm", home, SsmClient::builder);
    }

    /** STS in the home region: which account the credentials belong to. */
    public StsClient sts() {
        return client("sts", home, StsClient::builder);
    }

    /**
     * IAM is global: every region of a partition resolves to its one IAM endpoint, signed for the partition's first
     * region. Naming that region (rather than {@code aws-global}) keeps the signature right even when the endpoint is
     * overridden, where the SDK would otherwise sign for the pseudo-region "aws-global".
     */
    static Region iamRegion(Region home) {
        String id = home.id();
        if (id.startsWith("cn-")) return Region.CN_NORTH_1;
        if (id.startsWith("us-gov-")) return Region.US_GOV_WEST_1;
        return Region.US_EAST_1;
    }

    @SuppressWarnings("unchecked")
    private <C extends SdkClient, B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>> C client(
            String service, Region region, Supplier<B> builder) {
        return (C) clients.computeIfAbsent(service + "/" + region.id(), key -> configure(builder.get(), region).build());
    }

    private JsonProtocolClient json(JsonProtocolClient.Service service, Region region) {
        return jsonClients.computeIfAbsent(service.endpointPrefix() + "/" + region.id(),
                key -> new JsonProtocolClient(service, region, endpoint, http, credentials, budget));
    }

    private <B extends AwsSyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B configure(B builder, Region region) {
        builder.httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(builder.overrideConfiguration().toBuilder().retryStrategy(RetryMode.STANDARD)
                        .addExecutionInterceptor(budget.interceptor()).build());
        if (endpoint != null) builder.endpointOverride(endpoint);
        return builder;
    }

    /** Closes every client built so far, then the shared HTTP client they used. */
    @Override
    public void close() {
        clients.values().forEach(SdkClient::close);
        clients.clear();
        jsonClients.clear();
        http.close();
    }
}
