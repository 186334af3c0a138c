package dev.snapback.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loopback identity priming makes: a real handshake works for priming's client, and for nothing else. */
class PrimingTlsTest {

    private static final PrimingTls TLS = PrimingTls.create();
    private static X509Certificate[] served;
    private static String protocol;

    /** One handshake as priming's client makes it: TLS to 127.0.0.1 with HTTPS host name verification. */
    @BeforeAll
    static void handshake() throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, TLS.clientTrust().trustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) TLS.serverSockets().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    accepted.getOutputStream().write(1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
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
    void theJdksTrustStoreWhichTheFunctionsClientsUseRejectsIt() throws Exception {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        X509TrustManager trustManager = (X509TrustManager) jdk.getTrustManagers()[0];
        assertThatThrownBy(() -> trustManager.checkServerTrusted(served, "RSA")).isInstanceOf(CertificateException.class);
    }
}
