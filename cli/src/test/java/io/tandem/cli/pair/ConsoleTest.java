package io.tandem.cli.pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console in a real headless browser (Debian's chromium and chromedriver) against a launched pair: it
 * draws the pair, pulls a path with its button (confirmed), shows the path down as the controllers report it,
 * restores it, shows a refusal with the controller's reason, and leaves screenshots in {@code target/console/}.
 */
class ConsoleTest
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int NBD = 12260;
    private static final int CONTROL = 12265;
    private static final int METRICS = 12268;
    private static final int PORTS = 27740;

    @TempDir
    Path dir;

    @Test
    void pullAndRestoreAPathFromTheConsole() throws Exception
    {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
            "needs Debian's chromium and chromium-driver");
        final Path shots = Path.of("target", "console");
        Files.createDirectories(shots);
        try (LaunchedPair pair = new LaunchedPair(dir, NBD, CONTROL, PORTS))
        {
            pair.metricsBase = METRICS;
            pair.startSecondary();
            pair.startPrimary();
            await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));
            final CompletableFuture<String[]> load = CompletableFuture.supplyAsync(() -> run("workload", "--target",
                "127.0.0.1:" + pair.servicePort, "--duration", "12s", "--queue-depth", "4", "--span", "16M"));

            final WebDriver browser = browser();
            try
            {
                browser.get("http://127.0.0.1:" + METRICS + "/");
                // the page redraws the pair every second: an element found a moment ago may be gone
                final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(b -> "up".equals(pathState(b, 1)) && "up".equals(pathState(b, 0)));
                wait.until(b -> "primary".equals(b.findElement(By.cssSelector("rect[data-controller='0']"))
                    .getAttribute("data-role")) && "secondary".equals(b.findElement(
                    By.cssSelector("rect[data-controller='1']")).getAttribute("data-role")));
                assertTrue(browser.findElement(By.id("whoami")).getText().contains("controller 0 (primary)"));

                click(wait, "pull-1");
                final WebElement dialog = browser.findElement(By.id("confirm"));
                wait.until(b -> dialog.isDisplayed());
                assertTrue(browser.findElement(By.id("confirm-title")).getText().contains("path pull 1"));
                click(wait, "confirm-ok");
                wait.until(b -> "pulled".equals(pathState(b, 1)) && "pulled".equals(b.findElement(
                    By.cssSelector("line[data-path='1']")).getAttribute("data-state")));
                assertTrue(statusJson(CONTROL).path("path.1.pulled").asBoolean(), "the primary says pulled");
                assertTrue(browser.findElement(By.id("result")).getText().contains("path 1 pulled"),
                    browser.findElement(By.id("result")).getText());
                wait.until(b -> b.findElements(By.cssSelector("#events li .type.PATH_DOWN")).size() > 0);
                // let the charts gather a few seconds of the workload before the picture
                wait.until(b -> b.findElement(By.id("iops-now")).getText().matches(".*write [1-9].*") &&
                    Integer.parseInt(b.findElement(By.id("iops-chart")).getAttribute("data-points")) >= 5);
                screenshot(browser, shots.resolve("console-path-pulled.png"));

                click(wait, "restore-1");
                wait.until(b -> dialog.isDisplayed());
                click(wait, "confirm-ok");
                wait.until(b -> "up".equals(pathState(b, 1)));
                assertTrue(!statusJson(CONTROL).path("path.1.pulled").asBoolean(), "the primary says restored");

                // the secondary refuses an unforced takeover of a live primary: the console shows its reason
                click(wait, "op-takeover");
                wait.until(b -> dialog.isDisplayed());
                click(wait, "confirm-ok");
                wait.until(b -> b.findElement(By.id("result")).getText().startsWith("refused: takeover refused"));
                assertTrue(browser.findElement(By.id("result")).getAttribute("class").contains("refused"));
                screenshot(browser, shots.resolve("console.png"));
            }
            finally
            {
                browser.quit();
            }
            final String[] result = load.get(60, TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(mirrored(pair, 0), "still mirrored on both paths");
        }
    }

    private static void click(final WebDriverWait wait, final String id)
    {
        wait.until(b ->
        {
            b.findElement(By.id(id)).click();
            return true;
        });
    }

    private static String pathState(final WebDriver browser, final int path)
    {
        final List<WebElement> rows = browser.findElements(By.id("path-" + path));
        return rows.isEmpty() ? "" : rows.get(0).getAttribute("data-state");
    }

    private WebDriver browser() throws Exception
    {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1400,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(final WebDriver browser, final Path to) throws Exception
    {
        final File shot = ((TakesScreenshot)browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
