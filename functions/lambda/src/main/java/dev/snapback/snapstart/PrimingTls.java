package dev.snapback.snapstart;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/**
 * TLS for priming's loopback calls, so that the snapshot holds a JSSE that has done what a function's first calls
 * after restore do: key exchange, the server's certificate chain checked by PKIX and host name verification, record
 * encryption. Without it the first handshakes after restore load and interpret all of that.
 *
 * <p>The identity is made in memory for one priming run and never written anywhere: a certificate authority and a
 * certificate it signs for the loopback address, RSA 2048 like AWS's endpoints, valid for the next hour. Only
 * priming's own client trusts that authority; the function's clients, rebuilt after restore, trust the JDK's trust
 * store as always. So no key ships in the jar, and the keys left in the snapshot authenticate nothing that outlives
 * priming.
 */
record PrimingTls(SSLServerSocketFactory serverSockets, TlsTrustManagersProvider clientTrust) {

    private static final Duration VALIDITY = Duration.ofHours(1);
    /** Guards a key store that only ever exists in this process's memory. */
    private static final char[] KEY_STORE_PASSWORD = "snapstart-priming".toCharArray();

    static PrimingTls create() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair authorityKeys = rsa.generateKeyPair();
            KeyPair serverKeys = rsa.generateKeyPair();
            Instant now = Instant.now();
            byte[] authorityName = Der.commonName("Snapback SnapStart priming CA");
            X509Certificate authority = Der.certificate(1, authorityName, authorityName, authorityKeys.getPublic(),
                    authorityKeys.getPrivate(), now, Der.basicConstraintsAuthority());
            X509Certificate server = Der.certificate(2, authorityName, Der.commonName("Snapback SnapStart priming"),
                    serverKeys.getPublic(), authorityKeys.getPrivate(), now,
                    Der.subjectAltNameIp(LoopbackExchange.ADDRESS.getAddress()));

            KeyStore serverIdentity = KeyStore.getInstance("PKCS12");
            serverIdentity.load(null, null);
            serverIdentity.setKeyEntry("server", serverKeys.getPrivate(), KEY_STORE_PASSWORD,
                    new Certificate[] {server, authority});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(serverIdentity, KEY_STORE_PASSWORD);
            SSLContext serverContext = SSLContext.getInstance("TLS");
            serverContext.init(keyManagers.getKeyManagers(), null, null);

            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("authority", authority);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            return new PrimingTls(serverContext.getServerSocketFactory(), trust::getTrustManagers);
        } catch (Exception e) {
            throw new IllegalStateException("priming: could not make the loopback TLS identity", e);
        }
    }

    /** Just enough DER (X.690) for two X.509 v3 certificates. */
    private static final class Der {

        /** One algorithm, by its JCA name and by its OID. */
        private static final String SIGNATURE = "SHA256withRSA";
        private static final int[] SHA256_WITH_RSA = {1, 2, 840, 113549, 1, 1, 11};
        private static final int[] COMMON_NAME = {2, 5, 4, 3};
        private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};
        private static final int[] SUBJECT_ALT_NAME = {2, 5, 29, 17};
        private static final DateTimeFormatter UTC_TIME =
                DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

        static X509Certificate certificate(int serial, byte[] issuer, byte[] subject, PublicKey subjectKey,
                                           PrivateKey issuerKey, Instant now, byte[] extension) throws GeneralSecurityException {
            byte[] algorithm = sequence(oid(SHA256_WITH_RSA), tlv(0x05));
            byte[] toBeSigned = sequence(
                    tlv(0xa0, integer(2)),  // version 3
                    integer(serial), algorithm, issuer,
                    sequence(time(now), time(now.plus(VALIDITY))),
                    subject, subjectKey.getEncoded(),
                    tlv(0xa3, sequence(extension)));
            Signature signer = Signature.getInstance(SIGNATURE);
            signer.initSign(issuerKey);
            signer.update(toBeSigned);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1];  // no unused bits
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] encoded = sequence(toBeSigned, algorithm, tlv(0x03, bitString));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(encoded));
        }

        static byte[] commonName(String name) {
            return sequence(tlv(0x31, sequence(oid(COMMON_NAME), tlv(0x0c, name.getBytes(UTF_8)))));
        }

        /** Critical, {@code cA = TRUE}. */
        static byte[] basicConstraintsAuthority() {
            return sequence(oid(BASIC_CONSTRAINTS), tlv(0x01, new byte[] {(byte) 0xff}),
                    tlv(0x04, sequence(tlv(0x01, new byte[] {(byte) 0xff}))));
        }

        static byte[] subjectAltNameIp(byte[] address) {
            return sequence(oid(SUBJECT_ALT_NAME), tlv(0x04, sequence(tlv(0x87, address))));
        }

        private static byte[] time(Instant instant) {
            return tlv(0x17, UTC_TIME.format(instant).getBytes(US_ASCII));
        }

        private static byte[] integer(long value) {
            return tlv(0x02, BigInteger.valueOf(value).toByteArray());
        }

        private static byte[] oid(int[] arcs) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(40 * arcs[0] + arcs[1]);
            for (int i = 2; i < arcs.length; i++) {
                int arc = arcs[i];
                int shift = 28;
                while (shift > 0 && (arc >>> shift) == 0) shift -= 7;
                for (; shift > 0; shift -= 7) out.write(0x80 | ((arc >>> shift) & 0x7f));
                out.write(arc & 0x7f);
            }
            return tlv(0x06, out.toByteArray());
        }

        private static byte[] sequence(byte[]... contents) {
            return tlv(0x30, contents);
        }

        private static byte[] tlv(int tag, byte[]... contents) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (byte[] content : contents) body.writeBytes(content);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = body.size();
            if (length > 0xffff) throw new IllegalArgumentException("DER value too long: " + length);
            if (length >= 0x100) {
                out.write(0x82);
                out.write(length >>> 8);
            } else if (length >= 0x80) {
                out.write(0x81);
            }
            out.write(length & 0xff);
            out.writeBytes(body.toByteArray());
            return out.toByteArray();
        }
    }
}
