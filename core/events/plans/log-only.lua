-- Events that no headline figure reads yet are kept in the log for later replays.
return 1
