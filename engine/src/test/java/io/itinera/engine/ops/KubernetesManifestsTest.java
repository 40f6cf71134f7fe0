package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * No container engine runs here, so the Kubernetes manifests and the container file are held to the
 * engine's configuration instead: the configuration a pod gets (application.conf with the
 * Deployment's environment, loaded as the engine loads it) must agree with the ports, probes,
 * labels, RBAC and shutdown budget the manifests declare.
 */
class KubernetesManifestsTest {

  private static final String POD_IP = "10.1.2.3";

  private static Path root;
  private static List<Map<String, Object>> objects;
  private static Map<String, Object> deployment;
  private static Map<String, Object> podSpec;
  private static Map<String, Object> container;
  private static Map<String, String> podLabels;
  private static Map<String, String> podEnv;
  private static Config podConfig;

  @BeforeAll
  static void load() throws IOException {
    root = repositoryRoot();
    objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("deploy/kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document :
            new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
          if (document != null) {
            Map<String, Object> object = map(document);
            object.put("__file", file.getFileName().toString());
            objects.add(object);
          }
        }
      }
    }
    deployment = only("Deployment");
    podSpec = map(at(deployment, "spec", "template", "spec"));
    List<Object> containers = list(podSpec.get("containers"));
    assertEquals(1, containers.size(), "one container per pod");
    container = map(containers.get(0));
    podLabels = strings(at(deployment, "spec", "template", "metadata", "labels"));
    podEnv = podEnvironment();
    podConfig =
        ConfigFactory.load(
            ConfigFactory.parseMap(podEnv)
                .withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
  }

  @Test
  void containerPortsAreTheConfiguredPorts() {
    Map<String, Integer> ports = containerPorts();
    assertEquals(podConfig.getInt("itinera.http.port"), ports.get("http"));
    assertEquals(podConfig.getInt("pekko.management.http.port"), ports.get("management"));
    assertEquals(podConfig.getInt("pekko.remote.artery.canonical.port"), ports.get("remoting"));
    assertEquals(3, ports.size(), "http, management and remoting only: " + ports);
  }

  @Test
  void probesUseTheManagementHealthCheckPaths() {
    String base = podConfig.getString("pekko.management.http.base-path");
    String prefix = base.isEmpty() ? "/" : "/" + base + "/";
    String alive = prefix + podConfig.getString("pekko.management.health-checks.liveness-path");
    String ready = prefix + podConfig.getString("pekko.management.health-checks.readiness-path");
    assertProbe("readinessProbe", ready);
    assertProbe("livenessProbe", alive);
    assertProbe("startupProbe", alive);
  }

  private static void assertProbe(String probe, String path) {
    Map<String, Object> httpGet = map(at(container, probe, "httpGet"));
    assertEquals(path, httpGet.get("path"), probe);
    assertEquals(
        podConfig.getInt("pekko.management.http.port"),
        port(httpGet.get("port")),
        probe + " on the management port");
  }

  @Test
  void prometheusScrapesTheMetricsRouteOnTheManagementPort() {
    Map<String, String> annotations =
        strings(at(deployment, "spec", "template", "metadata", "annotations"));
    assertEquals("true", annotations.get("prometheus.io/scrape"));
    assertEquals(
        podConfig.getInt("pekko.management.http.port"),
        Integer.parseInt(annotations.get("prometheus.io/port")));
    String base = podConfig.getString("pekko.management.http.base-path");
    assertEquals(
        (base.isEmpty() ? "" : "/" + base) + "/metrics", annotations.get("prometheus.io/path"));
    assertEquals(
        MetricsRoute.class.getName(),
        podConfig.getString("pekko.management.http.routes.metrics"),
        "the route is served by Pekko Management");
  }

  @Test
  void thePodsCarryTheLabelDiscoverySelectsAndEverySelectorIsThatLabel() {
    Map<String, String> discovered = discoveryLabelSelector();
    assertTrue(
        podLabels.entrySet().containsAll(discovered.entrySet()),
        "pod labels " + podLabels + " lack the discovery selector " + discovered);
    assertEquals(discovered, strings(at(deployment, "spec", "selector", "matchLabels")));
    assertEquals(
        discovered, strings(at(only("PodDisruptionBudget"), "spec", "selector", "matchLabels")));
    List<Map<String, Object>> services = all("Service");
    assertFalse(services.isEmpty());
    for (Map<String, Object> service : services) {
      assertEquals(discovered, strings(at(service, "spec", "selector")), name(service));
      for (Object port : list(at(service, "spec", "ports"))) {
        Object target = map(port).get("targetPort");
        assertTrue(
            containerPorts().containsKey(target) || containerPorts().containsValue(target),
            name(service) + " targets " + target + ", not a container port");
      }
    }
  }

  @Test
  void discoveryFindsTheManagementPortByItsName() {
    String portName =
        podConfig.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name");
    assertEquals(podConfig.getInt("pekko.management.http.port"), containerPorts().get(portName));
  }

  @Test
  void podsFormTheClusterThroughKubernetesApiDiscovery() {
    assertEquals(ClusterFormation.Mode.BOOTSTRAP, ClusterFormation.mode(podConfig));
    assertEquals("kubernetes-api", podConfig.getString(ClusterFormation.BOOTSTRAP_METHOD));
    assertEquals(POD_IP, podConfig.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(POD_IP, podConfig.getString("pekko.management.http.hostname"));
    int replicas = ((Number) at(deployment, "spec", "replicas")).intValue();
    int required =
        podConfig.getInt(
            "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr");
    assertTrue(required <= replicas, required + " contact points required of " + replicas);
    assertTrue(replicas % 2 == 1, "keep-majority wants an odd number of nodes: " + replicas);
    assertEquals(
        "keep-majority", podConfig.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertTrue(podConfig.getBoolean("pekko.coordinated-shutdown.exit-jvm"));
    assertTrue(
        podConfig.getString("itinera.db.url").startsWith("jdbc:postgresql:"),
        "every pod must share one PostgreSQL, not an embedded database of its own");
  }

  @Test
  void theAppVersionFollowsTheVersionLabelAndTheImageTag() {
    String version = podLabels.get("app.kubernetes.io/version");
    assertNotNull(version, "pods need an app.kubernetes.io/version label");
    assertEquals(version, podConfig.getString("pekko.cluster.app-version"));
    String image = (String) container.get("image");
    assertEquals(version, image.substring(image.lastIndexOf(':') + 1), image);
  }

  @Test
  void theServiceAccountMayListPods() {
    String account = (String) podSpec.get("serviceAccountName");
    String namespace = namespace(deployment);
    assertTrue(
        all("ServiceAccount").stream()
            .anyMatch(a -> account.equals(name(a)) && namespace.equals(namespace(a))),
        "no ServiceAccount " + account + " in " + namespace);
    Set<String> roles = new TreeSet<>();
    for (Map<String, Object> binding : all("RoleBinding")) {
      boolean bindsAccount =
          list(binding.get("subjects")).stream()
              .map(KubernetesManifestsTest::map)
              .anyMatch(
                  s ->
                      "ServiceAccount".equals(s.get("kind"))
                          && account.equals(s.get("name"))
                          && namespace.equals(s.get("namespace")));
      Map<String, Object> roleRef = map(binding.get("roleRef"));
      if (bindsAccount
          && "Role".equals(roleRef.get("kind"))
          && namespace.equals(namespace(binding))) {
        roles.add((String) roleRef.get("name"));
      }
    }
    boolean mayListPods =
        all("Role").stream()
            .filter(role -> roles.contains(name(role)) && namespace.equals(namespace(role)))
            .flatMap(role -> list(role.get("rules")).stream().map(KubernetesManifestsTest::map))
            .anyMatch(
                rule ->
                    list(rule.get("apiGroups")).contains("")
                        && list(rule.get("resources")).contains("pods")
                        && list(rule.get("verbs")).containsAll(List.of("get", "watch", "list")));
    assertTrue(mayListPods, "no Role bound to " + account + " allows get, watch and list on pods");
  }

  @Test
  void secretsComeFromASecretNotFromTheManifest() {
    Map<String, Map<String, Object>> env = new HashMap<>();
    for (Object entry : list(container.get("env"))) {
      env.put((String) map(entry).get("name"), map(entry));
    }
    for (String secret :
        List.of(
            "ITINERA_DB_PASSWORD",
            "ITINERA_WRITE_KEYS",
            "ITINERA_READ_KEYS",
            "ITINERA_ADMIN_KEY")) {
      assertNotNull(env.get(secret), secret + " must be set, or the development defaults apply");
      assertNotNull(at(env.get(secret), "valueFrom", "secretKeyRef"), secret + " from a Secret");
    }
    assertTrue(all("Secret").isEmpty(), "no Secret with values in the repository");
  }

  @Test
  void theGracePeriodCoversCoordinatedShutdown() {
    Config shutdown = podConfig.getConfig("pekko.coordinated-shutdown");
    Duration phases = Duration.ZERO;
    for (String phase : shutdown.getObject("phases").keySet()) {
      Config settings = shutdown.getConfig("phases." + phase);
      if (settings.hasPath("enabled") && !settings.getBoolean("enabled")) {
        continue;
      }
      phases =
          phases.plus(
              settings.hasPath("timeout")
                  ? settings.getDuration("timeout")
                  : shutdown.getDuration("default-phase-timeout"));
    }
    Duration preStop = Duration.ZERO;
    Object command = at(container, "lifecycle", "preStop", "exec", "command");
    if (command != null && "sleep".equals(list(command).get(0))) {
      preStop = Duration.ofSeconds(Long.parseLong((String) list(command).get(1)));
    }
    long grace = ((Number) podSpec.get("terminationGracePeriodSeconds")).longValue();
    assertTrue(
        grace >= phases.plus(preStop).toSeconds(),
        "terminationGracePeriodSeconds "
            + grace
            + " < pre-stop "
            + preStop.toSeconds()
            + " s + every shutdown phase to its timeout "
            + phases.toSeconds()
            + " s");
  }

  @Test
  void aLeavingPodDrainsWithinItsShutdownPhases() {
    GracefulLeave.Settings leave = GracefulLeave.Settings.from(podConfig);
    // The engine refuses to start otherwise; here the manifests' own values are held to it.
    leave.checkAgainst(podConfig);
    assertTrue(
        leave.drainDelay().compareTo(Duration.ofSeconds(3)) >= 0,
        "a drain delay of " + leave.drainDelay() + " is shorter than endpoint removal takes");
    assertTrue(
        leave.requestsDeadline().compareTo(podConfig.getDuration("itinera.http.ask-timeout")) > 0,
        "a write in progress must be answered before its connection is closed");
  }

  @Test
  void everyManifestIsInTheKustomizationAndOneNamespace() {
    Map<String, Object> kustomization = only("Kustomization");
    Set<String> listed = new TreeSet<>(strings(list(kustomization.get("resources"))));
    Set<String> files =
        objects.stream()
            .filter(o -> !"Kustomization".equals(o.get("kind")))
            .map(o -> (String) o.get("__file"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(files, listed);
    String namespace = name(only("Namespace"));
    for (Map<String, Object> object : objects) {
      if (!Set.of("Kustomization", "Namespace").contains(object.get("kind"))) {
        assertEquals(namespace, namespace(object), object.get("kind") + " " + name(object));
      }
    }
  }

  @Test
  void theContainerFileExposesTheConfiguredPortsAndRunsTheEngine() throws IOException {
    String containerfile = Files.readString(root.resolve("deploy/Containerfile"));
    Set<Integer> exposed = new TreeSet<>();
    Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(containerfile);
    while (expose.find()) {
      for (String port : expose.group(1).trim().split("\\s+")) {
        exposed.add(Integer.parseInt(port.replace("/tcp", "")));
      }
    }
    assertEquals(new TreeSet<>(containerPorts().values()), exposed);
    Set<Integer> configured =
        Set.of(
            podConfig.getInt("itinera.http.port"),
            podConfig.getInt("pekko.management.http.port"),
            podConfig.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(new TreeSet<>(configured), exposed);

    assertTrue(containerfile.contains("COPY engine/target/engine.jar "), "copies the engine jar");
    assertTrue(containerfile.contains("COPY engine/target/lib/ "), "copies the libraries");
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(containerfile);
    assertTrue(user.find(), "sets a USER");
    assertFalse(Set.of("root", "0", "0:0").contains(user.group(1)), "runs as root");
    Matcher entrypoint = Pattern.compile("(?ms)^ENTRYPOINT\\s+\\[(.*?)\\]").matcher(containerfile);
    assertTrue(entrypoint.find(), "has an exec-form ENTRYPOINT");
    String mainClass = io.itinera.engine.Main.class.getName();
    assertTrue(entrypoint.group(1).contains("\"" + mainClass + "\""), "runs " + mainClass);
    Map<String, Object> security = map(podSpec.get("securityContext"));
    assertEquals(Boolean.TRUE, security.get("runAsNonRoot"));
    assertTrue(containerfile.contains("USER " + security.get("runAsUser")), "same uid as the pod");
  }

  // --- the pod's configuration -------------------------------------------------------------

  /** The container's environment, with the values Kubernetes would fill in for references. */
  private static Map<String, String> podEnvironment() {
    Map<String, String> env = new HashMap<>();
    Pattern label = Pattern.compile("metadata\\.labels\\['(.+)'\\]");
    for (Object item : list(container.get("env"))) {
      Map<String, Object> entry = map(item);
      String name = (String) entry.get("name");
      if (entry.containsKey("value")) {
        env.put(name, String.valueOf(entry.get("value")));
        continue;
      }
      Object fieldPath = at(entry, "valueFrom", "fieldRef", "fieldPath");
      if ("status.podIP".equals(fieldPath)) {
        env.put(name, POD_IP);
      } else if (fieldPath instanceof String path && label.matcher(path).matches()) {
        Matcher m = label.matcher(path);
        m.matches();
        String value = podLabels.get(m.group(1));
        assertNotNull(value, name + " refers to a missing pod label " + m.group(1));
        env.put(name, value);
      } else if (at(entry, "valueFrom", "secretKeyRef") != null) {
        env.put(name, "from-a-secret");
      } else {
        fail("unexpected env entry " + entry);
      }
    }
    return env;
  }

  /** {@code app=itinera} as Kubernetes API discovery builds it from the bootstrap settings. */
  private static Map<String, String> discoveryLabelSelector() {
    String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    String effectiveName = podConfig.getString(bootstrap + "effective-name");
    if (effectiveName.equals("<effective-name>")) {
      effectiveName = podConfig.getString(bootstrap + "service-name");
      String namespace = podConfig.getString(bootstrap + "service-namespace");
      if (!namespace.equals("<service-namespace>")) {
        effectiveName = effectiveName + "." + namespace;
      }
    }
    String selector =
        String.format(
            podConfig.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
            effectiveName);
    Map<String, String> labels = new HashMap<>();
    for (String term : selector.split(",")) {
      String[] keyValue = term.split("=", -1);
      assertEquals(2, keyValue.length, "only equality selectors are checked here: " + selector);
      labels.put(keyValue[0].trim(), keyValue[1].trim());
    }
    return labels;
  }

  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    for (Object port : list(container.get("ports"))) {
      Map<String, Object> p = map(port);
      ports.put((String) p.get("name"), ((Number) p.get("containerPort")).intValue());
    }
    return ports;
  }

  private static int port(Object nameOrNumber) {
    if (nameOrNumber instanceof Number number) {
      return number.intValue();
    }
    Integer port = containerPorts().get(nameOrNumber);
    assertNotNull(port, "no container port named " + nameOrNumber);
    return port;
  }

  // --- YAML navigation ---------------------------------------------------------------------

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "deploy/kubernetes not found above " + Path.of("").toAbsolutePath());
    return dir;
  }

  private static Map<String, Object> only(String kind) {
    List<Map<String, Object>> found = all(kind);
    assertEquals(1, found.size(), "one " + kind);
    return found.get(0);
  }

  private static List<Map<String, Object>> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private static String name(Map<String, Object> object) {
    return (String) at(object, "metadata", "name");
  }

  private static String namespace(Map<String, Object> object) {
    return (String) at(object, "metadata", "namespace");
  }

  private static Object at(Map<String, Object> object, String... path) {
    Object current = object;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertTrue(value instanceof Map, "expected a mapping: " + value);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertTrue(value instanceof List, "expected a sequence: " + value);
    return (List<Object>) value;
  }

  private static Map<String, String> strings(Object value) {
    Map<String, String> result = new HashMap<>();
    map(value).forEach((k, v) -> result.put(k, String.valueOf(v)));
    return result;
  }

  private static List<String> strings(List<Object> values) {
    return values.stream().map(String::valueOf).toList();
  }
}
