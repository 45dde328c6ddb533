"""The data every part of camchar shares: errors, and frames with what is known about them."""
