package io.itinera.engine.gateway;

import java.time.Duration;
import java.util.OptionalLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A bound on how long a connection may take to send a request's headers. Pekko HTTP 1.x has no
 * header read timeout: its idle-timeout is reset by every byte, and request-timeout starts once the
 * headers are in, so a client sending one header byte at a time held a connection as long as it
 * liked. Here a request must arrive, headers complete, within {@code first} of the connection's
 * opening, and within {@code later} of the end of the previous response on a kept-alive connection,
 * or the connection is closed without an answer, as Go's ReadHeaderTimeout does. (A request only
 * reaches the handler once its headers are parsed, which is what makes this possible without the
 * byte stream.) The clock is stopped while a request is being answered, however long: an SSE stream
 * is one answer.
 */
public final class HeaderTimeout {

  private HeaderTimeout() {}

  /** Each connection's handler: {@code routes} behind the timeout. */
  public static Flow<HttpRequest, HttpResponse, NotUsed> bounded(
      Route routes, Duration first, Duration later, ClassicActorSystemProvider system) {
    return BidiFlow.fromGraph(new Gate(first, later)).join(routes.flow(system));
  }

  /** Requests in (1), responses out (2); the timer runs only while no request is being answered. */
  private static final class Gate
      extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {

    private final Inlet<HttpRequest> requestsIn = Inlet.create("HeaderTimeout.requestsIn");
    private final Outlet<HttpRequest> requestsOut = Outlet.create("HeaderTimeout.requestsOut");
    private final Inlet<HttpResponse> responsesIn = Inlet.create("HeaderTimeout.responsesIn");
    private final Outlet<HttpResponse> responsesOut = Outlet.create("HeaderTimeout.responsesOut");
    private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
        BidiShape.of(requestsIn, requestsOut, responsesIn, responsesOut);
    private final Duration first;
    private final Duration later;

    Gate(Duration first, Duration later) {
      this.first = first;
      this.later = later;
    }

    @Override
    public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
      return shape;
    }

    @Override
    public TimerGraphStageLogic createLogic(Attributes attributes) {
      return new TimerGraphStageLogic(shape) {
        private static final String TIMER = "headers";
        private AsyncCallback<NotUsed> answered;

        @Override
        public void preStart() {
          answered = createAsyncCallback(done -> scheduleOnce(TIMER, later));
          scheduleOnce(TIMER, first);
        }

        @Override
        public void onTimer(Object key) {
          // Closes the connection: nothing is being answered while the timer runs.
          completeStage();
        }

        {
          setHandler(
              requestsIn,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  cancelTimer(TIMER);
                  push(requestsOut, grab(requestsIn));
                }

                @Override
                public void onUpstreamFinish() {
                  // No more requests (the client is done, or the server closes after an error):
                  // the one being answered must still go out.
                  cancelTimer(TIMER);
                  complete(requestsOut);
                }
              });
          setHandler(
              requestsOut,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  pull(requestsIn);
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  cancel(requestsIn, cause);
                }
              });
          setHandler(
              responsesIn,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  push(responsesOut, whenSent(grab(responsesIn)));
                }

                @Override
                public void onUpstreamFinish() {
                  complete(responsesOut);
                }
              });
          setHandler(
              responsesOut,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  pull(responsesIn);
                }
              });
        }

        /** The response, telling the gate once its body has gone out (at once if it is strict). */
        private HttpResponse whenSent(HttpResponse response) {
          ResponseEntity entity = response.entity();
          if (entity instanceof HttpEntity.Strict) {
            answered.invoke(NotUsed.notUsed());
            return response;
          }
          // Only an SSE stream is not strict here; its end is when the connection is idle again.
          Source<ByteString, ?> data =
              entity
                  .getDataBytes()
                  .watchTermination(
                      (mat, done) -> {
                        done.whenComplete((ok, failure) -> answered.invoke(NotUsed.notUsed()));
                        return mat;
                      });
          OptionalLong length = entity.getContentLengthOption();
          return response.withEntity(
              length.isPresent()
                  ? HttpEntities.create(entity.getContentType(), length.getAsLong(), data)
                  : HttpEntities.createChunked(entity.getContentType(), data));
        }
      };
    }
  }
}
