package io.tandem.raid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A pool's layout as the user writes it: {@code single} (one volume file, no array), a flat array
 * ({@code raid5:4+1spare}: RAID-5 of four members and a hot spare; {@code raid1:3}; {@code raid6:6};
 * {@code raid0:2}), RAID-10 ({@code raid10:2x2}: RAID-0 over two RAID-1 pairs; {@code raid10:4} the same), or
 * arrays of arrays ({@code raid1[raid5:3,raid5:3]}: a mirror of two RAID-5s).
 * <pre>
 *   spec  := 'single' | array
 *   array := level ( ':' N [ 'x' M ] | '[' array ( ',' array )* ']' ) [ '+' S 'spare' | '+' S 'spares' ]
 *   level := 'raid0' | 'raid1' | 'raid5' | 'raid6' | 'raid10'
 * </pre>
 * Immutable; thread-safe.
 *
 * @param level    the level of this array; null for {@code single}.
 * @param width    its members.
 * @param children the arrays its members are, in slot order; empty when its members are devices.
 * @param spares   hot spares of this array.
 */
public record ArraySpec(RaidLevel level, int width, List<ArraySpec> children, int spares)
{
    public static final ArraySpec SINGLE = new ArraySpec(null, 1, List.of(), 0);

    public ArraySpec
    {
        children = List.copyOf(children);
        if (null != level)
        {
            if (width < level.minWidth() || width > ArrayGeometry.MAX_WIDTH)
            {
                throw new IllegalArgumentException(level.name().toLowerCase(Locale.ROOT) + " takes " +
                    level.minWidth() + " to " + ArrayGeometry.MAX_WIDTH + " members, not " + width);
            }
            if (!children.isEmpty() && children.size() != width)
            {
                throw new IllegalArgumentException("an array of arrays has one member per child array");
            }
            if (spares < 0 || spares > 8 || (spares > 0 && level == RaidLevel.RAID0))
            {
                throw new IllegalArgumentException(level == RaidLevel.RAID0 ?
                    "raid0 has no redundancy to rebuild onto a spare" : "0 to 8 spares, not " + spares);
            }
        }
    }

    /**
     * @throws IllegalArgumentException saying what is wrong and what is expected.
     */
    public static ArraySpec parse(final String text)
    {
        final String spec = text.trim().toLowerCase(Locale.ROOT);
        if (spec.equals("single"))
        {
            return SINGLE;
        }
        final int[] at = {0};
        final ArraySpec parsed;
        try
        {
            parsed = parseArray(spec, at);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad pool layout '" + text + "': " + ex.getMessage() +
                " (expected single, raid0:N, raid1:N, raid5:N, raid6:N, raid10:PxM, level[child,...], each with an " +
                "optional +S spare)", ex);
        }
        if (at[0] != spec.length())
        {
            throw new IllegalArgumentException("bad pool layout '" + text + "': unexpected '" +
                spec.substring(at[0]) + "'");
        }
        return parsed;
    }

    private static ArraySpec parseArray(final String spec, final int[] at)
    {
        final int start = at[0];
        while (at[0] < spec.length() && Character.isLetterOrDigit(spec.charAt(at[0])))
        {
            at[0]++;
        }
        final String levelName = spec.substring(start, at[0]);
        if (at[0] >= spec.length())
        {
            throw new IllegalArgumentException("'" + levelName + "' needs ':N' or '[...]'");
        }
        final ArraySpec array;
        if (spec.charAt(at[0]) == ':')
        {
            at[0]++;
            final int n = number(spec, at);
            int m = 0;
            if (at[0] < spec.length() && spec.charAt(at[0]) == 'x')
            {
                at[0]++;
                m = number(spec, at);
            }
            array = levelName.equals("raid10") ? raid10(n, m) : flat(level(levelName), n, m);
        }
        else if (spec.charAt(at[0]) == '[')
        {
            at[0]++;
            final List<ArraySpec> children = new ArrayList<>();
            children.add(parseArray(spec, at));
            while (at[0] < spec.length() && spec.charAt(at[0]) == ',')
            {
                at[0]++;
                children.add(parseArray(spec, at));
            }
            if (at[0] >= spec.length() || spec.charAt(at[0]) != ']')
            {
                throw new IllegalArgumentException("missing ']'");
            }
            at[0]++;
            array = new ArraySpec(level(levelName), children.size(), children, 0);
        }
        else
        {
            throw new IllegalArgumentException("'" + levelName + "' needs ':N' or '[...]'");
        }
        if (at[0] < spec.length() && spec.charAt(at[0]) == '+')
        {
            at[0]++;
            final int spares = number(spec, at);
            if (spec.startsWith("spares", at[0]))
            {
                at[0] += 6;
            }
            else if (spec.startsWith("spare", at[0]))
            {
                at[0] += 5;
            }
            else
            {
                throw new IllegalArgumentException("'+" + spares + "' must be followed by 'spare'");
            }
            return new ArraySpec(array.level, array.width, array.children, spares);
        }
        return array;
    }

    private static ArraySpec flat(final RaidLevel level, final int width, final int m)
    {
        if (m != 0)
        {
            throw new IllegalArgumentException("'xM' is for raid10 only");
        }
        return new ArraySpec(level, width, List.of(), 0);
    }

    private static ArraySpec raid10(final int n, final int m)
    {
        final int pairs = m == 0 ? n / 2 : n;
        final int copies = m == 0 ? 2 : m;
        if (m == 0 && n % 2 != 0)
        {
            throw new IllegalArgumentException("raid10:N needs an even N (pairs of mirrors), or raid10:PxM");
        }
        final List<ArraySpec> mirrors = new ArrayList<>();
        for (int i = 0; i < pairs; i++)
        {
            mirrors.add(new ArraySpec(RaidLevel.RAID1, copies, List.of(), 0));
        }
        return new ArraySpec(RaidLevel.RAID0, pairs, mirrors, 0);
    }

    private static RaidLevel level(final String name)
    {
        return switch (name)
        {
            case "raid0" -> RaidLevel.RAID0;
            case "raid1" -> RaidLevel.RAID1;
            case "raid5" -> RaidLevel.RAID5;
            case "raid6" -> RaidLevel.RAID6;
            default -> throw new IllegalArgumentException("unknown level '" + name + "'");
        };
    }

    private static int number(final String spec, final int[] at)
    {
        final int start = at[0];
        while (at[0] < spec.length() && Character.isDigit(spec.charAt(at[0])))
        {
            at[0]++;
        }
        if (start == at[0] || at[0] - start > 3)
        {
            throw new IllegalArgumentException("a number expected at '" + spec.substring(start) + "'");
        }
        return Integer.parseInt(spec.substring(start, at[0]));
    }

    public boolean single()
    {
        return null == level;
    }

    /**
     * @return member devices (files) the layout needs, spares included.
     */
    public int deviceCount()
    {
        if (single())
        {
            return 1;
        }
        int devices = spares;
        if (children.isEmpty())
        {
            return devices + width;
        }
        for (final ArraySpec child : children)
        {
            devices += child.deviceCount();
        }
        return devices;
    }

    /**
     * @return the canonical form, which {@link #parse} reads back to an equal spec.
     */
    public String toString()
    {
        if (single())
        {
            return "single";
        }
        final StringBuilder text = new StringBuilder(level.name().toLowerCase(Locale.ROOT));
        if (children.isEmpty())
        {
            text.append(':').append(width);
        }
        else
        {
            text.append('[');
            for (int i = 0; i < children.size(); i++)
            {
                text.append(i == 0 ? "" : ",").append(children.get(i));
            }
            text.append(']');
        }
        if (spares > 0)
        {
            text.append('+').append(spares).append("spare");
        }
        return text.toString();
    }
}
