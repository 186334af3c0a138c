package dev.snapback.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import dev.snapback.snapstart.LoopbackExchange.Answer;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** The loopback identity priming makes: a real handshake works for priming's client, and for nothing else. */
class PrimingTlsTest {

    private static final PrimingTls TLS = PrimingTls.create();
    private static final int WAIT_MILLIS = 10_000;
    private static X509Certificate[] served;
    private static String protocol;

    /** One handshake as priming's client makes it: TLS to 127.0.0.1 with HTTPS host name verification. */
    @BeforeAll
    static void handshake() throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, TLS.clientTrust().trustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) TLS.serverSockets()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(WAIT_MILLIS);
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(WAIT_MILLIS);
                    accepted.startHandshake();
                    accepted.getOutputStream().write(1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                socket.setSoTimeout(WAIT_MILLIS);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getInputStream().read()).isEqualTo(1);
                served = (X509Certificate[]) socket.getSession().getPeerCertificates();
                protocol = socket.getSession().getProtocol();
            }
            serverSide.join();
        }
    }

    @Test
    void theServerIsAnRsaCertificateFor127001SignedByAnAuthorityItSendsAlong() throws Exception {
        assertThat(protocol).isEqualTo("TLSv1.3");
        assertThat(served).hasSize(2);
        X509Certificate server = served[0];
        X509Certificate authority = served[1];
        assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(server.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
        assertThat(server.getBasicConstraints()).as("not an authority").isEqualTo(-1);
        assertThat(authority.getBasicConstraints()).as("an authority").isGreaterThanOrEqualTo(0);
        assertThat(authority.getCriticalExtensionOIDs()).as("basic constraints, critical").containsExactly("2.5.29.19");
        server.verify(authority.getPublicKey());
        assertThat(server.getIssuerX500Principal()).isEqualTo(authority.getSubjectX500Principal());
    }

    @Test
    void itIsValidForAnHourAtMost() {
        for (X509Certificate certificate : served) {
            assertThat(Duration.between(Instant.now(), certificate.getNotAfter().toInstant()))
                    .isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void aClientBuiltAsTheFunctionsAreRefusesIt() {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
                .uri(URI.create("https://127.0.0.1/")).build();
        try (SdkHttpClient functions = UrlConnectionHttpClient.create()) {
            assertThatThrownBy(() -> LoopbackExchange.run(TLS.serverSockets(), ignored -> new Answer("text/plain", "ok"),
                    "the function's client", port -> functions.prepareRequest(HttpExecuteRequest.builder()
                            .request(request.toBuilder().port(port).build()).build()).call()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }
}
