package io.tandem.secondary.takeover;

/**
 * What the operator asked of the secondary: nothing, a takeover (`tandem ctl takeover`: only if it loses
 * nothing, as an automatic one), or a forced one (`--force`: even from a live primary or a mirror the pool does
 * not vouch for, accepting the loss).
 */
public enum TakeoverRequest
{
    NONE, ASKED, FORCED
}
