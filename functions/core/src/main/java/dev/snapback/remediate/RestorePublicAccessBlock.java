package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turn all four S3 Block Public Access settings back on, for one bucket ({@code bucket}) or for the account
 * ({@code bucket} null), after the event turned some off ({@code eventSet}: the settings it put) or deleted them
 * ({@code eventSet} null).
 *
 * <p>The settings are read first. All four on needs nothing. Settings other than those the event left (another put
 * since, or a put after a deletion) are a newer change: left alone, and judged by that call's own event
 * ({@link Outcome.Superseded}). A bucket that is gone has nothing to block. Bucket calls name this account as the
 * expected owner, so a bucket of the same name in another account is never touched.
 */
public record RestorePublicAccessBlock(String accountId, String bucket, PublicAccessFlags eventSet) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // Bucket ARNs name no account: the condition keeps the grant to this account's buckets.
            new IamGrant(List.of("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"), List.of("arn:${AWS::Partition}:s3:::*"),
                    Map.of("StringEquals", Map.of("s3:ResourceAccount", List.of("${AWS::AccountId}")))),
            // The account-level settings are no resource: IAM grants them on "*" only.
            IamGrant.of("*", "s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"));

    private static final String NONE = "NoSuchPublicAccessBlockConfiguration";

    /**
     * The four settings as a call put them; {@code null} where the call left one out, which S3 stores as off.
     */
    public record PublicAccessFlags(Boolean blockPublicAcls, Boolean ignorePublicAcls, Boolean blockPublicPolicy,
                                    Boolean restrictPublicBuckets) {

        public static final PublicAccessFlags ALL_ON = new PublicAccessFlags(true, true, true, true);

        /** As S3 stores them: a setting left out is off. */
        public PublicAccessFlags stored() {
            return new PublicAccessFlags(on(blockPublicAcls), on(ignorePublicAcls), on(blockPublicPolicy), on(restrictPublicBuckets));
        }

        public boolean allOn() {
            return stored().equals(ALL_ON);
        }

        /** The settings that are off, by their API names. */
        public List<String> off() {
            PublicAccessFlags s = stored();
            return Stream.of(s.blockPublicAcls ? null : "BlockPublicAcls", s.ignorePublicAcls ? null : "IgnorePublicAcls",
                    s.blockPublicPolicy ? null : "BlockPublicPolicy", s.restrictPublicBuckets ? null : "RestrictPublicBuckets")
                    .filter(Objects::nonNull).toList();
        }

        /** The AWS CLI shorthand: {@code BlockPublicAcls=true,IgnorePublicAcls=false,...}. */
        String shorthand() {
            PublicAccessFlags s = stored();
            return "BlockPublicAcls=" + s.blockPublicAcls + ",IgnorePublicAcls=" + s.ignorePublicAcls + ",BlockPublicPolicy="
                    + s.blockPublicPolicy + ",RestrictPublicBuckets=" + s.restrictPublicBuckets;
        }

        private static boolean on(Boolean flag) {
            return Boolean.TRUE.equals(flag);
        }
    }

    private String target() {
        return bucket != null ? "bucket " + bucket : "account " + accountId;
    }

    @Override
    public String describe() {
        return "turn on all four Block Public Access settings of " + target();
    }

    @Override
    public Verbs verbs() {
        return new Verbs("block public access", "public access blocked");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        String region = cause.region();
        Optional<PublicAccessFlags> now = read(bucket != null ? () -> {
            var c = aws.s3(region).getPublicAccessBlock(r -> r.bucket(bucket).expectedBucketOwner(accountId))
                    .publicAccessBlockConfiguration();
            return new PublicAccessFlags(c.blockPublicAcls(), c.ignorePublicAcls(), c.blockPublicPolicy(), c.restrictPublicBuckets());
        } : () -> {
            var c = aws.s3Control(region).getPublicAccessBlock(r -> r.accountId(accountId)).publicAccessBlockConfiguration();
            return new PublicAccessFlags(c.blockPublicAcls(), c.ignorePublicAcls(), c.blockPublicPolicy(), c.restrictPublicBuckets());
        });
        if (now.isPresent() && now.get().allOn()) {
            return new Outcome.AlreadyCompliant("all four Block Public Access settings of " + target() + " are on");
        }
        boolean asTheEventLeft = eventSet == null ? now.isEmpty() : now.isPresent() && now.get().equals(eventSet.stored());
        if (!asTheEventLeft) {
            return new Outcome.Superseded("the Block Public Access settings of " + target() + " changed since the event"
                    + " and are left as they are: now " + now.map(f -> "off: " + String.join(", ", f.off()))
                    .orElse("deleted") + "; that newer call's own event is judged on its own");
        }
        if (bucket != null) {
            aws.s3(region).putPublicAccessBlock(r -> r.bucket(bucket).expectedBucketOwner(accountId)
                    .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true)
                            .restrictPublicBuckets(true)));
        } else {
            aws.s3Control(region).putPublicAccessBlock(r -> r.accountId(accountId).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        }
        return new Outcome.Remediated(List.of("turned on all four Block Public Access settings of " + target()
                + (eventSet == null ? " (they had been deleted)" : " (" + String.join(", ", eventSet.off()) + " had been off)")),
                List.of(inverse(region)));
    }

    /** The settings as S3 holds them now; empty when there are none (deleted, or never set). */
    private static Optional<PublicAccessFlags> read(Supplier<PublicAccessFlags> get) {
        return AwsErrors.unlessAbsent(NONE, get).map(PublicAccessFlags::stored);
    }

    /** The AWS CLI command that puts back what the event left. */
    private String inverse(String region) {
        if (bucket != null) {
            return eventSet == null
                    ? "aws s3api delete-public-access-block --region " + region + " --bucket " + AwsErrors.shellQuoted(bucket)
                    : "aws s3api put-public-access-block --region " + region + " --bucket " + AwsErrors.shellQuoted(bucket)
                            + " --public-access-block-configuration " + eventSet.shorthand();
        }
        return eventSet == null
                ? "aws s3control delete-public-access-block --region " + region + " --account-id " + accountId
                : "aws s3control put-public-access-block --region " + region + " --account-id " + accountId
                        + " --public-access-block-configuration " + eventSet.shorthand();
    }
}
