"""What people read: the SENCo rollup, the governors' report, POPs, packs, the trust report.

Writers draw figures the numbers package computed; they never compute one themselves.
"""
