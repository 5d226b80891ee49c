"""The gateway's HTTP handlers, one module per area; ``GatewayService`` combines them."""
