"""Operations, adoption and roadmap measures. Pure, no I/O."""
