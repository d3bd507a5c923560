package p2pbrs.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts programs from the jar the benchmark itself runs from, with the same Java, as a
 * user would start them: {@code java [jvm options] -jar p2pbrs.jar <command> ...}.
 */
final class JarLauncher {
    private final Path java;
    private final Path jar;

    JarLauncher(Path java, Path jar) {
        this.java = java;
        this.jar = jar;
    }

    /** The jar the class was loaded from and the java of this JVM; a BenchException when it did not come from a jar. */
    static JarLauncher of(Class<?> loadedFromTheJar) throws BenchException {
        Path jar;
        try {
            jar = Path.of(loadedFromTheJar.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new BenchException("cannot tell which jar this program runs from: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
            throw new BenchException("bench starts its cluster from the packaged jar: run it as java -jar "
                    + "p2pbrs.jar bench (this program runs from " + jar + ")");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new BenchException("no java launcher at " + java);
        }
        return new JarLauncher(java, jar);
    }

    /** Starts {@code java jvmOptions -jar <jar> args} in its working folder; standard error to {@code <label>.log} there. */
    ChildProcess start(String label, Path workDir, List<String> jvmOptions, List<String> args) throws BenchException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return ChildProcess.start(label, command, workDir);
    }
}
