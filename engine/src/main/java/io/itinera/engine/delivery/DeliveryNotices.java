package io.itinera.engine.delivery;

import io.itinera.protocol.CborSerializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Word across the cluster that a channel has new rows to send or stream, or that endpoints changed,
 * so senders and streams look at once instead of at their next poll. Only a hint: a lost notice
 * costs one poll interval, never an action.
 */
public final class DeliveryNotices {

  /**
   * @param channels channels with newly queued rows
   * @param endpointsChanged whether channel endpoints were set, removed or disabled
   */
  public record Notice(List<String> channels, boolean endpointsChanged)
      implements CborSerializable {

    public Notice {
      channels = channels == null ? List.of() : List.copyOf(channels);
    }
  }

  private final ActorRef<Topic.Command<Notice>> topic;
  private final List<Consumer<Notice>> listeners = new CopyOnWriteArrayList<>();

  private DeliveryNotices(ActorRef<Topic.Command<Notice>> topic) {
    this.topic = topic;
  }

  /** This node's end of the topic. */
  public static DeliveryNotices start(ActorSystem<?> system) {
    ActorRef<Topic.Command<Notice>> topic =
        system.systemActorOf(
            Topic.create(Notice.class, "itinera-delivery-notices"),
            "delivery-topic",
            Props.empty());
    DeliveryNotices notices = new DeliveryNotices(topic);
    ActorRef<Notice> subscriber =
        system.systemActorOf(
            Behaviors.receive(Notice.class)
                .onMessage(
                    Notice.class,
                    notice -> {
                      notices.listeners.forEach(listener -> listener.accept(notice));
                      return Behaviors.same();
                    })
                .build(),
            "delivery-notices",
            Props.empty());
    topic.tell(Topic.subscribe(subscriber));
    return notices;
  }

  public void publish(Notice notice) {
    topic.tell(Topic.publish(notice));
  }

  public void channelsQueued(List<String> channels) {
    publish(new Notice(channels, false));
  }

  public void endpointsChanged() {
    publish(new Notice(List.of(), true));
  }

  /** Calls {@code listener} with every notice on this node until the returned action is run. */
  public Runnable listen(Consumer<Notice> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
