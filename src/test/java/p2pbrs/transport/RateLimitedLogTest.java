package p2pbrs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    @Test
    void aFloodOfWarningsLogsOnlyAFew() {
        Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-test");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        RateLimitedLog log = new RateLimitedLog(logger, 5, 60_000);
        for (int i = 0; i < 10_000; i++) {
            log.warn("junk datagram {}", i);
        }
        assertEquals(5, appender.list.size());
        assertEquals("junk datagram 0", appender.list.get(0).getFormattedMessage());
    }
}
