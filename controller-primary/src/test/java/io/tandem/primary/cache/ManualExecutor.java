package io.tandem.primary.cache;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs the tasks given to it only when the test says, on the test's thread.
 */
final class ManualExecutor implements Executor
{
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    public void execute(final Runnable task)
    {
        tasks.add(task);
    }

    int pending()
    {
        return tasks.size();
    }

    int runAll()
    {
        int ran = 0;
        Runnable task;
        while (null != (task = tasks.poll()))
        {
            task.run();
            ran++;
        }
        return ran;
    }
}
